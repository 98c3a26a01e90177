#!/usr/bin/env bash
# Plugin build: the backend for this machine and the create-plugin webpack
# build into plugin/dist/, with a canary in the build's environment, then
# checks over dist/. The suites that run or read dist/ (25-plugin-frontend,
# 42-infra-integration, 60-audit, 65-leak-sweep, 50-demo) start after it.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT/plugin"

# The test builds the backend for this machine only; `npm run build` (the
# release build) adds the other five platforms where the plugin is released.
kit_log "plugin build: (the backend for this machine, then create-plugin webpack)"
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
kit_log "plugin build: checks over dist/ (AMD, externals only, no shared module bundled, plugin.json, size)"
npm run --silent test:dist

