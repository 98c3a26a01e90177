#!/usr/bin/env bash
# Builds the grafanaapp provider reproducibly and installs it into a Terraform
# filesystem mirror in the packed layout (one zip per platform), so that
# `terraform init` and `cdktn get` find platformkit/grafanaapp without any
# registry, and `terraform providers lock -fs-mirror=<mirror>` can record its
# hashes for every platform:
#
#   bash infra/terraform-provider-grafanaapp/scripts/install-to-mirror.sh <mirror-dir> \
#        [--platforms host|all|<os_arch>,...] [--cli-config <file>]
#
# Reproducible: the same source gives the same bytes on every machine, so the
# hashes in infra/stacks/locks/ verify anywhere. That takes the pinned Go
# toolchain (KIT_PROVIDER_GO, checked; the go command fetches it from the Go
# module proxy if this machine has another one), -trimpath, no VCS stamp, an
# empty build id, fixed GOAMD64/GOARM64 levels, static binaries, and zips with
# fixed entry times and modes, stored uncompressed (so no zlib version can
# change a byte).
#
# A platform is rebuilt only when the source hash (go.mod, go.sum, every
# non-test file of the module, the Go version and the build flags) differs
# from the one recorded for its zip.
#
# With --cli-config it also writes a Terraform CLI config that installs
# platformkit/* from this mirror and every other provider from its registry;
# point TF_CLI_CONFIG_FILE at it.
set -euo pipefail

usage() { echo "usage: $0 <mirror-dir> [--platforms host|all|<os_arch>,...] [--cli-config <file>]" >&2; exit 2; }
[ $# -ge 1 ] || usage
mirror="$1"; shift
cli_config=""
platforms="host"
while [ $# -gt 0 ]; do
  case "$1" in
    --cli-config) [ $# -ge 2 ] || usage; cli_config="$2"; shift 2 ;;
    --platforms) [ $# -ge 2 ] || usage; platforms="$2"; shift 2 ;;
    *) usage ;;
  esac
done

version="0.1.0"
go_pinned="${KIT_PROVIDER_GO:-go1.26.8}"
all_platforms="linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64"
module_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[provider build] %s\n' "$*" >&2; }

# The pinned toolchain, or stop: another Go version builds other bytes.
export GOTOOLCHAIN="$go_pinned"
go_used="$(cd "$module_dir" && go env GOVERSION 2>/dev/null)" || go_used=""
if [ "$go_used" != "$go_pinned" ]; then
  echo "error: the grafanaapp provider's reproducible build needs $go_pinned; the go command gave \"${go_used:-nothing}\". Fix: install $go_pinned, or let the go command fetch it (it needs the Go module proxy: GOPROXY)" >&2
  exit 1
fi

case "$platforms" in
  host) platforms="$(go env GOHOSTOS)_$(go env GOHOSTARCH)" ;;
  all) platforms="$all_platforms" ;;
  *) platforms="${platforms//,/ }" ;;
esac
for p in $platforms; do
  case " $all_platforms " in *" $p "*) ;; *) echo "error: --platforms: \"$p\" is not one of: $all_platforms" >&2; exit 2 ;; esac
done

mkdir -p "$mirror"
mirror="$(cd "$mirror" && pwd)"
target_dir="$mirror/registry.terraform.io/platformkit/grafanaapp"
stamp_dir="$mirror/../.grafanaapp-build"
mkdir -p "$target_dir" "$stamp_dir"
# The unpacked layout of earlier set-ups would offer terraform a second package of the same version.
rm -rf "${target_dir:?}/$version"

ldflags="-s -w -buildid= -X main.version=$version"
source_hash="$(
  cd "$module_dir"
  { printf '%s\n' "$go_pinned" "$ldflags" "-trimpath -buildvcs=false CGO_ENABLED=0 GOAMD64=v1 GOARM64=v8.0"
    find . -path ./docs -prune -o -path ./examples -prune -o -path ./scripts -prune -o -type f \( -name go.mod -o -name go.sum -o \( -path './internal/*' ! -name '*_test.go' ! -path '*/testdata/*' \) -o -name main.go \) -print \
      | LC_ALL=C sort | xargs sha256sum
  } | sha256sum | cut -d' ' -f1
)"

for p in $platforms; do
  os="${p%_*}"; arch="${p#*_}"
  zip="$target_dir/terraform-provider-grafanaapp_${version}_${p}.zip"
  stamp="$stamp_dir/$p.source-sha256"
  if [ -f "$zip" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$source_hash" ]; then
    log "grafanaapp $version $p: up to date"
    continue
  fi
  log "grafanaapp $version $p: building with $go_pinned (reproducible: -trimpath, no VCS stamp, empty build id)"
  work="$(mktemp -d)"
  exe="terraform-provider-grafanaapp_v$version"; [ "$os" = windows ] && exe="$exe.exe"
  (cd "$module_dir" && CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" GOAMD64=v1 GOARM64=v8.0 GOFLAGS=-mod=readonly \
    go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$work/$exe" .)
  # A zip whose bytes depend only on the binary: one stored entry, fixed time and mode.
  python3 - "$work/$exe" "$zip.tmp" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
info = zipfile.ZipInfo(os.path.basename(src), date_time=(1980, 1, 1, 0, 0, 0))
info.create_system = 3  # Unix, so the mode below is honoured
info.external_attr = 0o100755 << 16
info.compress_type = zipfile.ZIP_STORED
with open(src, "rb") as f, zipfile.ZipFile(dst, "w") as z:
    z.writestr(info, f.read())
PY
  mv "$zip.tmp" "$zip"
  rm -rf "$work"
  echo "$source_hash" >"$stamp"
  # Terraform's plugin cache keys a provider by version only: a new build of
  # the same version must not meet the old one there at the next init.
  if [ -n "${TF_PLUGIN_CACHE_DIR:-}" ]; then
    rm -rf "$TF_PLUGIN_CACHE_DIR/registry.terraform.io/platformkit/grafanaapp/$version/$p"
  fi
done

if [ -n "$cli_config" ]; then
  mkdir -p "$(dirname "$cli_config")"
  cat >"$cli_config" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/platformkit/*"]
  }
  direct {
    exclude = ["registry.terraform.io/platformkit/*"]
  }
}
RC
  log "wrote $cli_config; use it with: export TF_CLI_CONFIG_FILE=$cli_config"
fi
