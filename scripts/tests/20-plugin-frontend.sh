#!/usr/bin/env bash
# Plugin frontend: types, lint, component tests (with create-plugin's own
# `update`/`migrate` on a copy of plugin/ and `npm run sign`'s failure paths),
# the create-plugin webpack build and checks over its dist/, and the
# real-browser test (Chromium -> harness -> Grafana double -> real plugin
# binary -> HTTPS API double). The @grafana/plugin-e2e suite needs a real
# Grafana in Docker and is not run here.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT/plugin"

kit_log "plugin frontend: typecheck"
npm run --silent typecheck
kit_log "plugin frontend: lint"
npm run --silent lint
kit_log "plugin frontend: component tests (vitest)"
npm test --silent

# The test builds the backend for this machine only; `npm run build` (the
# release build) adds the other five platforms where the plugin is released.
kit_log "plugin frontend: build (the backend for this machine, then create-plugin webpack)"
npm run --silent build:backend:linux >/dev/null
fail() { kit_log "dist check failed: $*"; exit 1; }
# Nothing from the build's environment may reach the bundle (a bundler
# `define` or env inlining would carry a pipeline's key into every browser):
# the frontend build runs with a canary in the variables a key is likely to
# be in. It runs after the backend's, so the checks below also prove that a
# frontend build leaves the backend binary in place.
bundle_canary="bundle-canary-$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
APIBRIDGE_API_KEY="$bundle_canary" TF_VAR_apibridge_api_key="$bundle_canary" API_KEY="$bundle_canary" \
  GF_PLUGIN_APIKEY="$bundle_canary" GRAFANA_ACCESS_POLICY_TOKEN="$bundle_canary" \
  npm run --silent build:frontend >/dev/null
for f in module.js module.js.map plugin.json img/logo.svg README.md CHANGELOG.md LICENSE gpx_apibridge_linux_amd64; do
  [ -s "dist/$f" ] || fail "dist/$f is missing"
done
! grep -rqF "$bundle_canary" dist/ || fail "dist/ contains a value from the build's environment"
# webpack keeps a filesystem cache between builds: it must not hold it either.
! grep -rqF "$bundle_canary" node_modules/.cache/webpack 2>/dev/null || fail "webpack's cache contains a value from the build's environment"
kit_log "plugin frontend: checks over dist/ (AMD, externals only, no shared module bundled, plugin.json, size)"
npm run --silent test:dist

kit_log "plugin frontend: real-browser test (Chromium)"
npm run --silent test:browser

# The @grafana/plugin-e2e suite needs Grafana in Docker; here it is only
# loaded and listed, which catches a broken config, import or spec.
kit_log "plugin frontend: @grafana/plugin-e2e suite loads (listed, not run)"
e2e_password_file="$(mktemp)"
trap 'rm -f "$e2e_password_file"' EXIT
printf 'listing-only' >"$e2e_password_file"
e2e_list="$(GRAFANA_ADMIN_PASSWORD_FILE="$e2e_password_file" npx playwright test --list)"
grep -q '^Total: [1-9][0-9]* tests in' <<<"$e2e_list" || fail "playwright could not list the e2e suite: $e2e_list"
grep -q '\[auth\] .*auth.setup' <<<"$e2e_list" || fail "the e2e suite lost plugin-e2e's auth step: $e2e_list"
