#!/usr/bin/env bash
# Writes the committed provider lock files, infra/stacks/locks/, that synth
# copies into every stack directory (infra/stacks/provider-locks.ts) and that
# `terraform init` verifies. Run it after changing the grafanaapp provider's
# source or a provider version, and commit the result:
#
#   npm run providers:lock
#
# For each stack kind:
#   our providers (platformkit/*)  built reproducibly for every platform
#                                  (linux/darwin amd64+arm64, windows amd64) and locked
#                                  from the mirror: `terraform providers lock -fs-mirror`
#   other providers, offline mode  locked from the mirror for this machine's platform only
#                                  (built here from a commit: see infra/README.md) into
#                                  <kind>.offline.terraform.lock.hcl
#   other providers, registry mode locked from their registry for every platform
# `terraform providers lock -fs-mirror` records h1: hashes (of the package
# contents) only; zh: hashes come only from a registry's signed checksums.
set -euo pipefail
source "$(dirname "$0")/../../scripts/env.sh"
cd "$KIT_ROOT"

platforms=(linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64)
host="$(go env GOHOSTOS)_$(go env GOHOSTARCH)"
locks="$KIT_ROOT/infra/stacks/locks"
mkdir -p "$locks"

kit_log "providers lock: grafanaapp for ${platforms[*]} (provider build, cached by source hash)"
bash infra/terraform-provider-grafanaapp/scripts/install-to-mirror.sh "$KIT_TF_MIRROR" --platforms all
bash infra/scripts/build-provider-mirror.sh

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npx tsx infra/scripts/lock-stacks.ts "$work/out" >"$work/stacks"

while read -r kind dir; do
  ours=() others=()
  while read -r source; do
    case "$source" in platformkit/*) ours+=("registry.terraform.io/$source") ;; *) others+=("registry.terraform.io/$source") ;; esac
  done < <(node </dev/null -e 'for (const p of Object.values(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).terraform.required_providers ?? {})) console.log(p.source)' "$dir/cdk.tf.json")

  rm -f "$dir/.terraform.lock.hcl"
  lock() { terraform -chdir="$dir" providers lock -no-color "$@" </dev/null >"$work/lock.log" 2>&1 || { cat "$work/lock.log" >&2; kit_die "terraform providers lock failed for $kind"; }; }
  if [ ${#ours[@]} -gt 0 ]; then
    lock -fs-mirror="$KIT_TF_MIRROR" "${platforms[@]/#/-platform=}" "${ours[@]}"
  fi
  name="$kind.terraform.lock.hcl"
  if [ ${#others[@]} -gt 0 ]; then
    if [ "$KIT_PROVIDER_MODE" = offline ]; then
      lock -fs-mirror="$KIT_TF_MIRROR" -platform="$host" "${others[@]}"
      name="$kind.offline.terraform.lock.hcl"
    else
      lock "${platforms[@]/#/-platform=}" "${others[@]}"
    fi
  fi
  cp "$dir/.terraform.lock.hcl" "$locks/$name"
  kit_log "providers lock: wrote infra/stacks/locks/$name"
done <"$work/stacks"
