// Package plugintest builds a Grafana backend plugin into a dist directory
// the way Grafana loads it (plugin.json beside <executable>_<goos>_<goarch>),
// for tests that run the real binary under the Grafana double. Test code
// only: product code never imports it.
package plugintest
