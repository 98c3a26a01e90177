#!/usr/bin/env bash
# The plugin backend: vet, unit and integration tests (with the race
# detector), a short fuzz run of the path/header rules, the proxy benchmark
# beside its baseline.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT/plugin"

step() { kit_log "plugin backend: $*"; }

step "gofmt, go vet"
unformatted="$(gofmt -l pkg Magefile.go)"
[ -z "$unformatted" ] || kit_die "plugin backend: gofmt needed on: $unformatted"
go vet ./pkg/...

step "go test -race"
go test -race -count=1 ./pkg/...

step "fuzz FuzzNormalizePath (10 s)"
go test -run '^$' -fuzz '^FuzzNormalizePath$' -fuzztime 10s ./pkg/plugin

step "benchmark: plugin CallResource vs a direct http.Client GET (same upstream)"
go test -run '^$' -bench '^BenchmarkProfile$' -benchmem -benchtime 300ms -count 3 ./pkg/plugin

# The Grafana-style build of dist/ (mage, the SDK's build targets) is the
# frontend suite's: it owns plugin/dist/, which the suites in its lane read.
