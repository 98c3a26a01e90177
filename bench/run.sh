#!/usr/bin/env bash
# npm run bench: builds the plugin and the doubles, then runs cmd/bench,
# which prints every table and writes it, the CPU profiles and the plugin's
# log to bench/out/<time>/. Takes a few minutes; pass --quick for a short
# smoke run, --skip-stacks to leave out synth/plan/apply.
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
if ! command -v wrk >/dev/null || [ ! -x /usr/sbin/nginx ]; then
  kit_die "wrk and nginx are needed: bash scripts/bootstrap.sh installs them (scripts/setup/60-bench-tools.sh)"
fi
out="$KIT_ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out/bin"
cd "$KIT_ROOT/bench"
go build -o "$out/bin/bench" ./cmd/bench
timeout 1200 "$out/bin/bench" --repo "$KIT_ROOT" --out "$out" "$@"
