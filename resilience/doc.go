// Package resilience is the fault and load suite of the API Bridge plugin
// (npm run test:resilience, scripts/tests/60-resilience.sh). Its tests run
// the real plugin binary behind the Grafana double (testkit/grafanadouble),
// against the HTTPS API double (testkit/upstreamdouble) for load and bad
// input, and against the hostile upstreams of package hostile for faults.
// They end with one table: per group, cases tried, cases answered with a
// clear error, plugin crashes and leaks (the key in any response or log
// line; goroutines, heap or open files not back to their level). Crashes and
// leaks fail the run. See docs/performance.md.
package resilience
