#!/usr/bin/env bash
# Plugin frontend: types, lint, component tests (with create-plugin's own
# `update`/`migrate` on a copy of plugin/ and `npm run sign`'s failure paths),
# and the real-browser tests (Chromium -> harness -> Grafana double -> real
# plugin binary -> HTTPS API double) of the dist/ that suite 20-plugin-build
# built. The @grafana/plugin-e2e suite needs a real Grafana in Docker and is
# not run here.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT/plugin"

kit_log "plugin frontend: typecheck"
npm run --silent typecheck
kit_log "plugin frontend: lint"
npm run --silent lint
kit_log "plugin frontend: component tests (vitest)"
npm test --silent

if [ ! -f dist/module.js ] || [ ! -x dist/gpx_apibridge_linux_amd64 ]; then
  kit_die "plugin/dist is not built: run scripts/tests/20-plugin-build.sh first (scripts/test.sh does)"
fi
kit_log "plugin frontend: real-browser test (Chromium)"
npm run --silent test:browser

# The @grafana/plugin-e2e suite needs Grafana in Docker; here it is only
# loaded and listed, which catches a broken config, import or spec.
kit_log "plugin frontend: @grafana/plugin-e2e suite loads (listed, not run)"
e2e_password_file="$(mktemp)"
trap 'rm -f "$e2e_password_file"' EXIT
printf 'listing-only' >"$e2e_password_file"
e2e_list="$(GRAFANA_ADMIN_PASSWORD_FILE="$e2e_password_file" npx playwright test --list)"
grep -q '^Total: [1-9][0-9]* tests in' <<<"$e2e_list" || kit_die "playwright could not list the e2e suite: $e2e_list"
grep -q '\[auth\] .*auth.setup' <<<"$e2e_list" || kit_die "the e2e suite lost plugin-e2e's auth step: $e2e_list"
