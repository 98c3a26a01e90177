#!/usr/bin/env bash
# Stacks part of `npm run bench`: wall time of synth, plan (npm run diff) and
# apply (npm run deploy) of the plugin-settings stack against the running
# Grafana double, each beside the same command on an app with one empty
# stack (infra/scripts/bench-baseline-app.ts), measured in this run. Synth
# reuses infra/scripts/bench-synth.sh. Prints, never fails on speed; the
# last line is machine-readable for cmd/bench:
#   BENCH-STACKS {"synthKit":s,"synthBase":s,"planKit":s,"planBase":s,"applyKit":s,"applyBase":s}
#
# Needs from cmd/bench: BENCH_GRAFANA_URL, BENCH_API_URL, BENCH_CA_FILE,
# BENCH_DIST (the plugin dist it built), BENCH_OUT (its output directory),
# GRAFANA_AUTH (user:password) and TF_VAR_apibridge_api_key (the run's key).
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
cd "$KIT_ROOT"
: "${BENCH_GRAFANA_URL:?}" "${BENCH_API_URL:?}" "${BENCH_CA_FILE:?}" "${BENCH_DIST:?}" "${GRAFANA_AUTH:?}" "${TF_VAR_apibridge_api_key:?}"
# The config validation wants plugin.json in docker.pluginDistDir even with
# Docker off, and KIT_PLUGIN_DIST overrides it (for bench-synth.sh too):
# point it at the bench's own build, which has one.
export KIT_PLUGIN_DIST="$BENCH_DIST"

synth_out="$(bash infra/scripts/bench-synth.sh "${BENCH_SYNTH_RUNS:-3}")"
printf '%s\n' "$synth_out"
synth_base="$(printf '%s\n' "$synth_out" | sed -n 's/^  baseline .* \([0-9.]*\) s  (runs.*/\1/p')"
synth_kit="$(printf '%s\n' "$synth_out" | sed -n 's/^  kit .* \([0-9.]*\) s  (runs.*/\1/p')"

# Inside the repository (the local backend's stateDir must be relative to
# its root) and inside bench/out/, which git ignores, should a run be cut short.
work="${BENCH_OUT:-$KIT_ROOT/bench/out}/stacks"
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/state" "$work/tmp"
state_dir="$(realpath --relative-to="$KIT_ROOT" "$work/state")"
cat >"$work/config.json" <<JSON
{"name":"apibridge","pluginId":"platformkit-apibridge-app","backend":{"kind":"local","stateDir":"$state_dir"},
 "grafana":{"url":"$BENCH_GRAFANA_URL","orgId":1,"authEnv":"GRAFANA_AUTH"},
 "plugin":{"enabled":true,"pinned":true,"jsonData":{"apiUrl":"$BENCH_API_URL","caCertificateFile":"$BENCH_CA_FILE","allowedPaths":["/huge","/echo"],"timeoutSeconds":120,"maxResponseBytes":268435456}},
 "secretSource":{"kind":"ephemeral-variable","variableName":"apibridge_api_key","version":1},
 "docker":{"enabled":false}}
JSON

elapsed() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN { printf "%.3f", a - b }'; }
# timed NAME CMD...: runs CMD quietly, prints its time; on failure shows its output.
timed() {
  local name="$1" t0 log="$work/$1.log"
  shift
  t0=$(date +%s.%N)
  if ! CI=true TMPDIR="$work/tmp" "$@" >"$log" 2>&1; then
    sed 's/^/    /' "$log" | tail -30 >&2
    kit_die "bench stacks: $name failed"
  fi
  elapsed "$t0"
}
base_app=(npx cdktn --app "npx tsx infra/scripts/bench-baseline-app.ts" --output "$work/base-out")
kit_run=(env KIT_CONFIG="$work/config.json" npx tsx infra/bin/kit.ts)
plan_base="$(timed plan-base "${base_app[@]}" diff baseline-empty --skip-provider-lock)"
plan_kit="$(timed plan-kit "${kit_run[@]}" diff apibridge-plugin-settings -- --output "$work/out")"
apply_base="$(timed apply-base "${base_app[@]}" deploy baseline-empty --skip-provider-lock --auto-approve)"
apply_kit="$(timed apply-kit "${kit_run[@]}" deploy apibridge-plugin-settings -- --output "$work/out")"

printf 'bench stacks (one run each, with cdktn synth and terraform init inside each command):\n'
printf '  plan   baseline (cdktn diff, empty stack)            %6.2f s\n' "$plan_base"
printf '  plan   kit (npm run diff, plugin-settings stack)     %6.2f s\n' "$plan_kit"
printf '  apply  baseline (cdktn deploy, empty stack)          %6.2f s\n' "$apply_base"
printf '  apply  kit (npm run deploy, plugin-settings stack)   %6.2f s\n' "$apply_kit"
printf 'BENCH-STACKS {"synthKit":%s,"synthBase":%s,"planKit":%s,"planBase":%s,"applyKit":%s,"applyBase":%s}\n' \
  "${synth_kit:-0}" "${synth_base:-0}" "$plan_kit" "$plan_base" "$apply_kit" "$apply_base"
