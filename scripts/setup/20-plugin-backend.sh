# shellcheck shell=bash
# The plugin backend's Go modules (grafana-plugin-sdk-go, mage as a go.mod
# tool) into the module cache, so tests and `go tool mage` run offline after.
# Fast when already done: go mod download only checks the cache.
(
  cd "$KIT_ROOT/plugin" || exit 1
  go mod download
) || kit_die "plugin backend: go mod download failed in plugin/ (is the Go module proxy reachable?)"
