#!/usr/bin/env bash
# npm run leak-sweep: the kit's environment (scripts/env.sh), then the sweep
# (audit/leak-sweep/sweep.ts). Needs the built plugin (plugin/dist: npm run
# build in plugin/) and the set-up's tools; see audit/README.md.
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
exec "$KIT_ROOT/node_modules/.bin/tsx" "$KIT_ROOT/audit/leak-sweep/cli.ts" "$@"
