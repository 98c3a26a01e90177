#!/usr/bin/env bash
# Plugin frontend: types, lint, component tests, the Grafana-loadable bundle,
# and the real-browser test (Chromium -> harness -> Grafana double -> real
# plugin binary -> HTTPS API double). The @grafana/plugin-e2e suite needs a
# real Grafana in Docker and is not run here.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT/plugin"

kit_log "plugin frontend: typecheck"
npm run --silent typecheck
kit_log "plugin frontend: lint"
npm run --silent lint
kit_log "plugin frontend: component tests (vitest)"
npm test --silent

kit_log "plugin frontend: build dist/ (frontend, backend, then frontend again)"
npm run --silent build
npm run --silent build:backend
# A frontend rebuild must leave the backend binary in place.
npm run --silent build
fail() { kit_log "dist check failed: $*"; exit 1; }
for f in module.js module.js.map plugin.json img/logo.svg README.md CHANGELOG.md LICENSE gpx_apibridge_linux_amd64; do
  [ -s "dist/$f" ] || fail "dist/$f is missing"
done
[ "$(head -c 7 dist/module.js)" = "define(" ] || fail "dist/module.js is not an AMD module"
! grep -q '%VERSION%\|%TODAY%' dist/plugin.json || fail "dist/plugin.json still has %VERSION%/%TODAY%"

kit_log "plugin frontend: real-browser test (Chromium)"
npm run --silent test:browser
