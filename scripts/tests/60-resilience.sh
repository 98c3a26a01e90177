#!/usr/bin/env bash
# Fault and load suite (resilience/): the real plugin binary behind the
# Grafana double takes 10,000 requests at concurrency 64, hostile upstreams
# (refused, reset, slow, bad certificates, redirects, oversized, truncated)
# and bad route and settings inputs, then prints one table: tried, clear
# error, crashes, leaks. Crashes and leaks fail it, and so does any case not
# answered as documented. `npm run test:resilience` runs this script.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT/resilience"
unformatted="$(gofmt -l .)"
[ -z "$unformatted" ] || kit_die "resilience: gofmt needed on: $unformatted"
go vet ./...
go test -count=1 -timeout 2m ./procwatch/ ./hostile/
# No package argument: go test then prints the suite's table even when it passes.
go test -count=1 -timeout 5m
# The benchmark's own unit tests (relay, wrk report, nginx config, profile
# breakdown, target ratios): seconds, so they run here. The benchmark itself
# is `npm run bench`, never part of the test command.
cd "$KIT_ROOT/bench"
unformatted="$(gofmt -l .)"
[ -z "$unformatted" ] || kit_die "bench: gofmt needed on: $unformatted"
go vet ./...
go test -count=1 -timeout 2m ./...
