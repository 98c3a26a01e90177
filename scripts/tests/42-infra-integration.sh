#!/usr/bin/env bash
# infra/ integration tests, with real processes on 127.0.0.1: OpenBao dev
# server (also over TLS, with a namespace and JWT auth), SOPS+age, PostgreSQL
# (pg backend locking), the Grafana double running the real plugin binary, the
# HTTPS API double, terraform and the docker provider (plan only: no Docker
# engine here); plain cdktn/terraform as the README writes them, the committed
# provider lock files, and the pipeline's placeholder and saved plans.
# scripts/test.sh starts it after the frontend suite has built plugin/dist/.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT"

start=$SECONDS
# The tests run the real plugin backend; build it if no earlier suite has
# (the frontend build provides plugin.json).
if [ ! -x "$KIT_PLUGIN_DIST/gpx_apibridge_linux_amd64" ]; then
  kit_log "infra: building the plugin backend (go tool mage -v build:linux)"
  (cd "$KIT_ROOT/plugin" && go tool mage -v build:linux)
fi
if [ ! -f "$KIT_PLUGIN_DIST/plugin.json" ] && [ -d "$KIT_ROOT/plugin/node_modules" ]; then
  kit_log "infra: building the plugin frontend (npm run build:frontend) for plugin.json"
  (cd "$KIT_ROOT/plugin" && npm run --silent build:frontend)
fi
[ -f "$KIT_PLUGIN_DIST/plugin.json" ] || kit_die "plugin/dist/plugin.json is missing: the plugin's frontend build must run before the infra integration tests"

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
kit_log "infra: integration tests"
# The integration files run three at a time (infra/vitest.config.mts) and each
# runs terraform init; Terraform's plugin cache is not safe for concurrent
# inits, so they install from the mirror.
TF_PLUGIN_CACHE_DIR="" KIT_TEST_GROUP=integration npx vitest run --config infra/vitest.config.mts \
  --reporter=default --reporter=json --outputFile.json="$results/integration.json"
# shellcheck disable=SC2016 # ${...} is a JavaScript template literal, for node, not the shell
node -e 'const r=require(process.argv[1]);console.log(`infra integration: ${r.numPassedTests} passed, ${r.numFailedTests} failed in ${process.argv[2]} s`)' \
  "$results/integration.json" "$((SECONDS - start))"
