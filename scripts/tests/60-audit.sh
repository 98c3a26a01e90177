#!/usr/bin/env bash
# npm run audit and its tests (audit/README.md): the Rego policies' format,
# strict check and unit tests (opa test), the runner's type check and tests
# (every policy broken on purpose, the SARIF validated by Microsoft's SARIF
# Multitool, gitleaks and the pre-commit hook on planted secrets), then the
# audit of this repository itself, whose report ends the suite's output.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT"

kit_log "audit: opa fmt, opa check --strict, opa test (audit/policies)"
unformatted="$("$KIT_TOOLS/bin/opa" fmt --list audit/policies)"
[ -z "$unformatted" ] || kit_die "audit: opa fmt needed on: $unformatted"
"$KIT_TOOLS/bin/opa" check --strict audit/policies
"$KIT_TOOLS/bin/opa" test audit/policies

kit_log "audit: gofmt and go vet of plugin/tests/route-table (the route table's reader)"
unformatted="$(gofmt -l plugin/tests/route-table)"
[ -z "$unformatted" ] || kit_die "audit: gofmt needed on: $unformatted"
(cd plugin && go vet ./tests/route-table)

kit_log "audit: tsc, bash -n of the hook and scripts"
npx tsc -p audit/tsconfig.json
bash -n audit/hooks/pre-commit audit/run-audit.sh audit/run-leak-sweep.sh

kit_log "audit: the runner's tests (vitest)"
npx vitest run --config audit/vitest.config.mts

kit_log "audit: npm run audit (this repository)"
npm run --silent audit
