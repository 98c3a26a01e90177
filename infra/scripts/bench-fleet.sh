#!/usr/bin/env bash
# Benchmark: synth and plan time of a fleet of 1, 10 and 50 Grafana targets,
# beside the same deployment without a fleet (one Grafana) measured in the
# same run; a ratio column shows how the cost grows. Plans run against one
# Grafana double with one org per target (infra/scripts/bench-fleet.ts says
# what that does and does not measure). Prints, never fails on speed.
#
# Usage: bench-fleet.sh   (BENCH_FLEET_PARALLEL=N: targets at a time, default 4)
set -euo pipefail
source "$(dirname "$0")/../../scripts/env.sh"
cd "$KIT_ROOT"
if [ ! -x "$KIT_PLUGIN_DIST/gpx_apibridge_linux_amd64" ] || [ ! -f "$KIT_PLUGIN_DIST/plugin.json" ]; then
  kit_die "the Grafana double runs the real plugin: build it first (cd plugin && go tool mage -v build:linux && npm run build:frontend)"
fi
BENCH_CORES="$(nproc)" timeout 1800 npx tsx infra/scripts/bench-fleet.ts
