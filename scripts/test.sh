#!/usr/bin/env bash
# Runs every test suite of the kit. Each suite is one script in
# scripts/tests/. They run in two lanes at once (the machines here have two
# cores, and much of a suite's time is spent waiting on processes, terraform
# and the browser):
#   - the dist lane, in this order: suites that build or read plugin/dist/
#     (the frontend suite builds it; the others deploy or synthesize with it);
#   - the other lane: every other suite, in name order, each self-contained
#     (it builds what it runs into temporary directories).
# All suites run even if one fails. Each suite's output is kept in
# .artifacts/test-logs/<suite>.log and printed whole when the suite ends, so
# lanes never interleave lines. The end is a table of suite times and one
# plain summary line. KIT_TEST_JOBS=1 runs the lanes one after the other.
set -uo pipefail
source "$(dirname "$0")/env.sh"
total_start=$SECONDS
bash "$KIT_ROOT/scripts/bootstrap.sh" || kit_die "set-up failed"
setup_seconds=$((SECONDS - total_start))

# Suites that write or read plugin/dist/, in the order they must run.
dist_lane=(20-plugin-frontend 40-infra 60-audit 65-leak-sweep 50-demo)

all_suites=()
for suite in "$KIT_ROOT"/scripts/tests/*.sh; do all_suites+=("$(basename "$suite" .sh)"); done
other_lane=()
for name in "${all_suites[@]}"; do
  [[ " ${dist_lane[*]} " == *" $name "* ]] || other_lane+=("$name")
done
for name in "${dist_lane[@]}"; do
  [ -f "$KIT_ROOT/scripts/tests/$name.sh" ] || kit_die "scripts/test.sh lists suite $name, which does not exist in scripts/tests/"
done

logs="$KIT_ROOT/.artifacts/test-logs"
rm -rf "$logs" && mkdir -p "$logs"

# run_lane NAME...: runs the suites in order; records "<suite> <rc> <seconds>".
run_lane() {
  local name start rc
  for name in "$@"; do
    start=$SECONDS
    bash "$KIT_ROOT/scripts/tests/$name.sh" >"$logs/$name.log" 2>&1
    rc=$?
    echo "$name $rc $((SECONDS - start))" >"$logs/$name.result"
    # One suite's output at a time: flock keeps the two lanes from interleaving.
    {
      flock 9
      kit_log "suite $name: $([ "$rc" -eq 0 ] && echo passed || echo "FAILED (exit $rc)") in $((SECONDS - start)) s"
      sed "s/^/[$name] /" "$logs/$name.log"
    } 9>"$logs/.print.lock"
  done
}

kit_log "running ${#all_suites[@]} suites in two lanes: [${dist_lane[*]}] and [${other_lane[*]}]"
if [ "${KIT_TEST_JOBS:-2}" = "1" ]; then
  run_lane "${dist_lane[@]}"
  run_lane "${other_lane[@]}"
else
  run_lane "${dist_lane[@]}" &
  dist_pid=$!
  run_lane "${other_lane[@]}"
  wait "$dist_pid"
fi

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
kit_log "suites passed: ${passed[*]:-none}"
[ ${#failed[@]} -eq 0 ] || kit_log "suites FAILED: ${failed[*]} (logs: .artifacts/test-logs/)"
echo "suites: ${#passed[@]} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
