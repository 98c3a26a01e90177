# shellcheck shell=bash
# Load generator and reverse proxy for `npm run bench` (bench/): Debian's
# wrk and nginx. The bench runs nginx itself, with a config it writes to a
# temporary directory, as the same-run baseline for the plugin. The Debian
# package's service is never used; where a machine's policy lets the
# package start it, it is stopped again here so that nothing listens on
# port 80 because of the kit.
kit_bench_apt=()
dpkg -s wrk >/dev/null 2>&1 || kit_bench_apt+=(wrk)
dpkg -s nginx >/dev/null 2>&1 || kit_bench_apt+=(nginx)
if [ ${#kit_bench_apt[@]} -gt 0 ]; then
  kit_log "bench: apt-get install ${kit_bench_apt[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${kit_bench_apt[@]}"; } >/dev/null ||
    kit_die "apt-get install ${kit_bench_apt[*]} failed; the benchmark (npm run bench) needs them"
  if [ -f /run/nginx.pid ] && command -v service >/dev/null; then
    service nginx stop >/dev/null 2>&1 || true
  fi
fi
command -v wrk >/dev/null || kit_die "wrk is not on PATH after installing it"
[ -x /usr/sbin/nginx ] || kit_die "/usr/sbin/nginx is missing after installing nginx"
