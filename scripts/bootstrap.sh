#!/usr/bin/env bash
# Sets up a fresh machine for the kit: toolchains, system packages, npm and Go
# dependencies, test tools. Idempotent: a second run only checks and returns.
# Each piece lives in scripts/setup/NN-*.sh so that one part of the kit can
# grow its own set-up without touching the others.
set -euo pipefail
source "$(dirname "$0")/env.sh"
mkdir -p "$KIT_TOOLS/bin"
for step in "$KIT_ROOT"/scripts/setup/*.sh; do
  kit_log "set-up: $(basename "$step" .sh)"
  # shellcheck source=/dev/null
  source "$step"
done
kit_log "set-up complete"
