#!/usr/bin/env bash
# infra/ (CDK Terrain stacks): type check, synth and config tests (vitest with
# cdktn's Testing matchers, toBeValidTerraform against the provider mirror).
# The tests that run real processes (terraform, OpenBao, PostgreSQL, the
# doubles with the real plugin) are suite 42-infra-integration; the synth
# benchmark is in `npm run bench` (bench/stacks.sh).
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
# shellcheck disable=SC2016 # ${...} is a JavaScript template literal, for node, not the shell
node -e 'const r=require(process.argv[1]);console.log(`infra: ${r.numPassedTests} passed, ${r.numFailedTests} failed in ${process.argv[2]} s`)' \
  "$results/unit.json" "$((SECONDS - start))"
