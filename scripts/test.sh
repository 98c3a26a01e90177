#!/usr/bin/env bash
# Runs every test suite of the kit. Each suite is one script in
# scripts/tests/. Up to KIT_TEST_JOBS suites (default 3) run at once: the
# machines here have two cores, and much of a suite's time is spent waiting
# on processes, terraform, sleeps and the browser, so a third slot fills
# the waits. A suite starts once the suites it needs have ended (the table
# below: the suites that read plugin/dist/ wait for the suite that builds
# it, and the demo, which rebuilds it, waits for every reader); among
# the suites that may start, the longest go first. All suites run even if
# one fails. Each suite's output is kept in .artifacts/test-logs/<suite>.log
# and printed whole when the suite ends, so suites never interleave lines.
# The end is a table of suite times, a digest of every failure (so that the
# last lines of a CI log say what failed), and one plain summary line.
# KIT_TEST_JOBS=1 runs the suites one after the other.
set -uo pipefail
source "$(dirname "$0")/env.sh"
total_start=$SECONDS
bash "$KIT_ROOT/scripts/bootstrap.sh" || kit_die "set-up failed"
setup_seconds=$((SECONDS - total_start))
# Suites run at once, and Terraform's plugin cache is not safe for concurrent
# use (two inits filling one entry, or one rewriting a provider another runs:
# "text file busy"). In the tests every init installs from the kit's mirror
# instead; cdktn would otherwise put its own default cache back.
export TF_PLUGIN_CACHE_DIR="" CDKTF_DISABLE_PLUGIN_CACHE_ENV=1

# What each suite needs to have ended before it starts: the suites that run
# or read plugin/dist/ wait for the build; the demo, which rebuilds dist/,
# waits for all of them.
declare -A needs=(
  [25-plugin-frontend]="20-plugin-build"
  [42-infra-integration]="20-plugin-build"
  [60-audit]="20-plugin-build"
  [65-leak-sweep]="20-plugin-build"
  [50-demo]="20-plugin-build 25-plugin-frontend 42-infra-integration 60-audit 65-leak-sweep"
)
# Start order among the suites that may start: those that others wait for and
# the longest first; every suite not named here follows in name order.
first=(20-plugin-build 42-infra-integration 25-plugin-frontend 30-provider 10-plugin-backend 60-resilience 05-lint 40-infra)

all_suites=()
for suite in "$KIT_ROOT"/scripts/tests/*.sh; do all_suites+=("$(basename "$suite" .sh)"); done
# shellcheck disable=SC2048,SC2086 # each value of needs is a space-separated list of suites
for name in "${first[@]}" "${!needs[@]}" ${needs[*]}; do
  [ -f "$KIT_ROOT/scripts/tests/$name.sh" ] || kit_die "scripts/test.sh names suite $name, which does not exist in scripts/tests/"
done
pending=("${first[@]}")
for name in "${all_suites[@]}"; do
  [[ " ${first[*]} " == *" $name "* ]] || pending+=("$name")
done

logs="$KIT_ROOT/.artifacts/test-logs"
rm -rf "$logs" && mkdir -p "$logs"

# run_suite NAME: runs one suite; records "<suite> <rc> <seconds>".
run_suite() {
  local name="$1" start rc
  start=$SECONDS
  bash "$KIT_ROOT/scripts/tests/$name.sh" >"$logs/$name.log" 2>&1
  rc=$?
  # One suite's output at a time: flock keeps suites from interleaving.
  {
    flock 9
    kit_log "suite $name: $([ "$rc" -eq 0 ] && echo passed || echo "FAILED (exit $rc)") in $((SECONDS - start)) s"
    sed "s/^/[$name] /" "$logs/$name.log"
  } 9>"$logs/.print.lock"
  echo "$name $rc $((SECONDS - start))" >"$logs/$name.result"
}

ended() { [ -f "$logs/$1.result" ]; }
ready() {
  local dep
  for dep in ${needs[$1]:-}; do ended "$dep" || return 1; done
}

jobs="${KIT_TEST_JOBS:-3}"
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || kit_die "KIT_TEST_JOBS=$jobs: give a whole number of suites to run at once, 1 or more"
kit_log "running ${#all_suites[@]} suites, up to $jobs at once"
declare -A running=() # suite -> pid
while [ ${#pending[@]} -gt 0 ] || [ ${#running[@]} -gt 0 ]; do
  # A suite has ended once it wrote its result (its last step).
  for name in "${!running[@]}"; do
    ended "$name" && { wait "${running[$name]}"; unset "running[$name]"; }
  done
  still=()
  for name in "${pending[@]}"; do
    if [ ${#running[@]} -lt "$jobs" ] && ready "$name"; then
      run_suite "$name" &
      running[$name]=$!
    else
      still+=("$name")
    fi
  done
  pending=("${still[@]}")
  if [ ${#running[@]} -eq 0 ] && [ ${#pending[@]} -gt 0 ]; then
    kit_die "suites ${pending[*]} wait on suites that never run"
  fi
  sleep 1
done

passed=() failed=()
echo
printf '%-22s %8s  %s\n' suite seconds result
printf '%-22s %8s  %s\n' set-up "$setup_seconds" "done"
for name in "${all_suites[@]}"; do
  read -r _ rc seconds <"$logs/$name.result" || { rc=99 seconds=0; }
  if [ "$rc" -eq 0 ]; then passed+=("$name"); result=passed; else failed+=("$name"); result="FAILED (exit $rc)"; fi
  printf '%-22s %8s  %s\n' "$name" "$seconds" "$result"
done
printf '%-22s %8s\n' "wall clock" "$((SECONDS - total_start))"
echo
for name in "${failed[@]}"; do
  # The lines that name a failure (test runners' FAIL/×/---, errors), then the log's end.
  kit_log "why $name failed (whole log: .artifacts/test-logs/$name.log):"
  sed 's/\x1b\[[0-9;]*m//g' "$logs/$name.log" |
    grep -E -A6 '(^| )(FAIL|×|✗|--- FAIL|panic:|Error:|AssertionError|error:)' | head -n 80
  echo "[$name] ... last lines:"
  sed 's/\x1b\[[0-9;]*m//g' "$logs/$name.log" | tail -n 15
  echo
done
kit_log "suites passed: ${passed[*]:-none}"
[ ${#failed[@]} -eq 0 ] || kit_log "suites FAILED: ${failed[*]} (logs: .artifacts/test-logs/)"
echo "suites: ${#passed[@]} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
