#!/usr/bin/env bash
# Builds the grafanaapp provider and installs it into a Terraform filesystem
# mirror (unpacked layout), so `terraform init` and `cdktn get` find
# platformkit/grafanaapp without any registry:
#
#   bash infra/terraform-provider-grafanaapp/scripts/install-to-mirror.sh <mirror-dir> [--cli-config <file>]
#
# With --cli-config it also writes a Terraform CLI config that installs every
# provider from that mirror; point TF_CLI_CONFIG_FILE at it. Rebuilds only when
# a Go source file, go.mod or go.sum is newer than the installed binary.
set -euo pipefail

usage() { echo "usage: $0 <mirror-dir> [--cli-config <file>]" >&2; exit 2; }
[ $# -ge 1 ] || usage
mirror="$1"; shift
cli_config=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cli-config) [ $# -ge 2 ] || usage; cli_config="$2"; shift 2 ;;
    *) usage ;;
  esac
done

version="0.1.0"
module_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
goos="$(go env GOOS)"; goarch="$(go env GOARCH)"
mkdir -p "$mirror"
mirror="$(cd "$mirror" && pwd)"
target_dir="$mirror/registry.terraform.io/platformkit/grafanaapp/$version/${goos}_${goarch}"
binary="$target_dir/terraform-provider-grafanaapp_v$version"

if [ -x "$binary" ] && [ -z "$(find "$module_dir" \( \( -name '*.go' ! -name '*_test.go' \) -o -name go.mod -o -name go.sum \) -newer "$binary" -print -quit)" ]; then
  echo "grafanaapp $version already up to date in $target_dir" >&2
else
  mkdir -p "$target_dir"
  echo "building grafanaapp $version into $target_dir" >&2
  # -trimpath: no build paths in the binary; CGO off: a static binary that runs anywhere.
  (cd "$module_dir" && CGO_ENABLED=0 GOTOOLCHAIN="${GOTOOLCHAIN:-local}" go build -trimpath \
    -ldflags "-s -w -X main.version=$version" -o "$binary.tmp" .)
  mv "$binary.tmp" "$binary"
fi

if [ -n "$cli_config" ]; then
  mkdir -p "$(dirname "$cli_config")"
  cat >"$cli_config" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*"]
  }
}
RC
  echo "wrote $cli_config; use it with: export TF_CLI_CONFIG_FILE=$cli_config" >&2
fi
