#!/usr/bin/env bash
# npm run leak-sweep (audit/README.md): one end-to-end run with a canary key
# (OpenBao -> npm run deploy -> Grafana double -> real plugin binary -> HTTPS
# API double -> Chromium), then a scan of every artifact class it produced.
# Prints the table (class, files scanned, hits); fails on any hit or on a
# class with no file scanned.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT"

# The sweep runs the built plugin; build what an earlier suite has not.
if [ ! -x "$KIT_PLUGIN_DIST/gpx_apibridge_linux_amd64" ] || [ ! -f "$KIT_PLUGIN_DIST/module.js" ]; then
  kit_log "leak sweep: building the plugin (frontend, linux backend)"
  (cd plugin && npm run --silent build:frontend >/dev/null && npm run --silent build:backend:linux >/dev/null)
fi
npm run --silent leak-sweep
