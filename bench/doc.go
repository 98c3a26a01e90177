// Package bench is the benchmark suite behind `npm run bench` (bench/run.sh,
// cmd/bench): the plugin path (Grafana double -> real plugin -> HTTPS API
// double) side by side with the direct HTTPS call and with Debian's nginx
// adding the same header over a pooled HTTPS upstream, all on 127.0.0.1 and
// driven by wrk. It prints numbers next to their same-run baselines and
// never fails on speed. docs/performance.md explains the tables.
package bench
