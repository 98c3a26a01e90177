#!/usr/bin/env bash
# Benchmark: wall time of `npm run synth` (config validation + cdktn synth of
# both stacks), median of N runs, printed beside the baseline DESIGN.md
# records for a small stack on these machines (3.5 s). Prints, never fails on speed.
#
# Usage: bench-synth.sh [runs]   (default 3)
set -euo pipefail
source "$(dirname "$0")/../../scripts/env.sh"
cd "$KIT_ROOT"
runs="${1:-3}"
BASELINE_S="3.5"

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

times=()
for _ in $(seq "$runs"); do
  t0=$(date +%s.%N)
  KIT_CONFIG="$work/config.json" npx tsx infra/bin/kit.ts synth -- --output "$work/out" >/dev/null
  times+=("$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.3f", a - b }')")
done
median="$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")"
printf 'bench synth (2 stacks, %d runs): median %.2f s  (baseline %s s for a small stack; runs: %s)\n' "$runs" "$median" "$BASELINE_S" "$(printf '%.2f ' "${times[@]}")"
