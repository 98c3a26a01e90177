#!/usr/bin/env bash
# infra/ (CDK Terrain stacks): type check, synth and config tests (vitest with
# cdktn's Testing matchers, toBeValidTerraform against the provider mirror),
# then the integration tests with real processes on 127.0.0.1: OpenBao dev
# server (also over TLS, with a namespace and JWT auth), SOPS+age, PostgreSQL
# (pg backend locking), the Grafana double running the real plugin binary, the
# HTTPS API double, terraform and the docker provider (plan only: no Docker
# engine here); plain cdktn/terraform as the README writes them, the committed
# provider lock files, and the pipeline's placeholder and saved plans.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT"

start=$SECONDS
kit_log "infra: tsc"
npx tsc -p tsconfig.json

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
kit_log "infra: unit and synth tests"
npx vitest run --config infra/vitest.config.mts --reporter=default --reporter=json --outputFile.json="$results/unit.json"

# The integration tests run the real plugin backend; build it if an earlier
# suite has not (the frontend build provides plugin.json).
if [ ! -x "$KIT_PLUGIN_DIST/gpx_apibridge_linux_amd64" ]; then
  kit_log "infra: building the plugin backend (go tool mage -v build:linux)"
  (cd "$KIT_ROOT/plugin" && go tool mage -v build:linux)
fi
if [ ! -f "$KIT_PLUGIN_DIST/plugin.json" ] && [ -d "$KIT_ROOT/plugin/node_modules" ]; then
  kit_log "infra: building the plugin frontend (npm run build:frontend) for plugin.json"
  (cd "$KIT_ROOT/plugin" && npm run --silent build:frontend)
fi
[ -f "$KIT_PLUGIN_DIST/plugin.json" ] || kit_die "plugin/dist/plugin.json is missing: the plugin's frontend build must run before the infra integration tests"

kit_log "infra: integration tests"
# The integration files run in parallel and each runs terraform init; Terraform's
# plugin cache is not safe for concurrent inits, so they install from the mirror.
TF_PLUGIN_CACHE_DIR="" KIT_TEST_GROUP=integration npx vitest run --config infra/vitest.config.mts --reporter=default --reporter=json --outputFile.json="$results/integration.json"
kit_log "infra: all tests passed in $((SECONDS - start)) s"
bash "$KIT_ROOT/infra/scripts/bench-synth.sh" 3
# One plain summary line over both runs.
# shellcheck disable=SC2016 # ${...} is a JavaScript template literal, for node, not the shell
node -e 'const r=process.argv.slice(1).map(f=>require(f));const n=k=>r.reduce((a,x)=>a+x[k],0);console.log(`infra: ${n("numPassedTests")} passed, ${n("numFailedTests")} failed`)' "$results/unit.json" "$results/integration.json"
