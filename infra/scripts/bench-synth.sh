#!/usr/bin/env bash
# Benchmark: wall time of `npm run synth` (config validation + cdktn synth of
# both stacks), median of N runs, printed beside a baseline measured in the
# same run: `cdktn synth` of an app with one empty stack
# (bench-baseline-app.ts). Prints, never fails on speed.
#
# Usage: bench-synth.sh [runs]   (default 3)
set -euo pipefail
source "$(dirname "$0")/../../scripts/env.sh"
cd "$KIT_ROOT"
runs="${1:-3}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/dist" && echo '{"id":"platformkit-apibridge-app","type":"app"}' >"$work/dist/plugin.json"
head -c 32 /dev/urandom | base64 >"$work/secret_key" && head -c 24 /dev/urandom | base64 >"$work/admin_password"
chmod 640 "$work/secret_key" "$work/admin_password"
cat >"$work/config.json" <<JSON
{"name":"apibridge","pluginId":"platformkit-apibridge-app","backend":{"kind":"local","stateDir":".state"},
 "grafana":{"url":"http://127.0.0.1:3000","orgId":1,"authEnv":"GRAFANA_AUTH"},
 "plugin":{"enabled":true,"pinned":true,"jsonData":{"apiUrl":"https://api.example.test/v1"}},
 "secretSource":{"kind":"ephemeral-variable","variableName":"apibridge_api_key","version":1},
 "docker":{"enabled":true,"image":"grafana/grafana:13.2.3@sha256:b28bae15e219c998fb0e0424ed724930cc61b1f61fb404d47c862f9a23f9e572",
  "containerName":"apibridge-grafana","networkName":"apibridge","dataVolumeName":"apibridge-grafana-data","bindAddress":"127.0.0.1",
  "hostPort":3000,"user":"472:0","pluginDistDir":"$work/dist","secretKeyFile":"$work/secret_key","adminPasswordFile":"$work/admin_password","adminUser":"admin"}}
JSON

elapsed() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN { printf "%.3f", a - b }'; }
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

# Runs alternate between the two so that machine load hits both alike.
kit_times=() base_times=()
for _ in $(seq "$runs"); do
  t0=$(date +%s.%N)
  npx cdktn synth -a "npx tsx infra/scripts/bench-baseline-app.ts" -o "$work/base-out" >/dev/null
  base_times+=("$(elapsed "$t0")")
  t0=$(date +%s.%N)
  KIT_CONFIG="$work/config.json" npx tsx infra/bin/kit.ts synth --output "$work/out" >/dev/null
  kit_times+=("$(elapsed "$t0")")
done
printf 'bench synth, median of %d runs:\n' "$runs"
printf '  baseline  cdktn synth, one empty stack       %6.2f s  (runs: %s)\n' "$(median "${base_times[@]}")" "$(printf '%.2f ' "${base_times[@]}")"
printf '  kit       npm run synth, config + 2 stacks   %6.2f s  (runs: %s)\n' "$(median "${kit_times[@]}")" "$(printf '%.2f ' "${kit_times[@]}")"
