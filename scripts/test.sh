#!/usr/bin/env bash
# Runs every test suite of the kit. Each suite is one script in
# scripts/tests/, run in name order; all run even if one fails, and the
# summary at the end names the ones that failed.
set -uo pipefail
source "$(dirname "$0")/env.sh"
bash "$KIT_ROOT/scripts/bootstrap.sh" || kit_die "set-up failed"

passed=() failed=()
for suite in "$KIT_ROOT"/scripts/tests/*.sh; do
  name="$(basename "$suite" .sh)"
  kit_log "suite: $name"
  start=$SECONDS
  if bash "$suite"; then passed+=("$name"); else failed+=("$name"); fi
  kit_log "suite $name took $((SECONDS - start)) s"
done

echo
kit_log "suites passed: ${passed[*]:-none}"
[ ${#failed[@]} -eq 0 ] || kit_log "suites FAILED: ${failed[*]}"
echo "suites: ${#passed[@]} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
