#!/usr/bin/env bash
# Offline provider mode (scripts/env.sh): builds the third-party Terraform
# providers the stacks use from the Go module proxy into the kit's filesystem
# mirror ($KIT_TF_MIRROR), because these machines reach no provider registry.
# In registry mode they come from registry.terraform.io instead and nothing is
# built. Idempotent: a provider whose binary is already in the mirror is
# skipped. Nothing built here is ever committed.
#
# Usage: build-provider-mirror.sh            build every provider below
#        build-provider-mirror.sh --report   print which providers are present
#
# Each provider is pinned to one module version. Where the upstream go.mod
# declares a module path without the /vN suffix its release tags need, the Go
# proxy only serves commit pseudo-versions; the version directory then names
# the release that commit belongs to (see the comment on each line).
set -euo pipefail
source "$(dirname "$0")/../../scripts/env.sh"

# type|namespace|claimed version|module@version|main package dir (inside the module)|why this pin
PROVIDERS=(
  # main branch 2026-09-16, two weeks after the v4.6.0 release (its CHANGELOG's
  # newest entry); go.mod says github.com/terraform-providers/..., so only this
  # pseudo-version is served and it has to be built inside the extracted module.
  "docker|kreuzwerker|4.6.0|github.com/kreuzwerker/terraform-provider-docker@v0.0.0-20260916201441-96d331c98ff4|."
)
# Not obtainable from the proxy here (see infra/README.md, "Provider mirror"):
#   hashicorp/vault  - go.mod lacks /v5, only v1.x tags are listed; every
#                      commit pseudo-version tried answers 403 "not available".
#   carlpett/sops    - the proxy answers 403 "not available" for the module.

if [ "$KIT_PROVIDER_MODE" = registry ] && [ "${1:-}" != "--report" ]; then
  kit_log "providers: registry mode, third-party providers come from registry.terraform.io (nothing to build)"
  exit 0
fi

build_dir="$KIT_TOOLS/provider-build"
mkdir -p "$build_dir" "$KIT_TF_MIRROR"

target_of() { # type ns version -> path of the binary in the mirror
  echo "$KIT_TF_MIRROR/registry.terraform.io/$2/$1/$3/linux_amd64/terraform-provider-$1_v$3"
}

if [ "${1:-}" = "--report" ]; then
  for p in "${PROVIDERS[@]}"; do
    IFS='|' read -r type ns ver _ <<<"$p"
    t="$(target_of "$type" "$ns" "$ver")"
    if [ -x "$t" ]; then echo "present $ns/$type $ver"; else echo "missing $ns/$type $ver"; fi
  done
  exit 0
fi

for p in "${PROVIDERS[@]}"; do
  IFS='|' read -r type ns ver modver pkg <<<"$p"
  target="$(target_of "$type" "$ns" "$ver")"
  if [ -x "$target" ]; then
    kit_log "provider $ns/$type $ver: in the mirror"
    continue
  fi
  kit_log "provider $ns/$type $ver: building $modver (first time takes minutes)"
  start=$SECONDS
  dir="$(go mod download -json "$modver" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$dir" ] || kit_die "go mod download $modver gave no module directory"
  # The module cache is read-only and its go.mod may declare another path:
  # build in a private copy, with the module's own go.sum, never the network's latest.
  work="$build_dir/$ns-$type-$ver"
  rm -rf "$work" && cp -r "$dir" "$work" && chmod -R u+w "$work"
  mkdir -p "$(dirname "$target")"
  # Same flags on every machine, with the kit's pinned Go: the committed offline
  # lock (infra/stacks/locks/*.offline.terraform.lock.hcl) holds this build's hash.
  (cd "$work" && CGO_ENABLED=0 GOTOOLCHAIN="$KIT_PROVIDER_GO" GOFLAGS=-buildvcs=false go build -trimpath -ldflags "-s -w -X main.version=$ver" -o "$target.tmp" "./$pkg")
  mv "$target.tmp" "$target"
  rm -rf "$work"
  kit_log "provider $ns/$type $ver: built in $((SECONDS - start)) s"
done
