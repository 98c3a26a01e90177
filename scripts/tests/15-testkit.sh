#!/usr/bin/env bash
# The test doubles' own tests: the Grafana plugin-protocol double (with a
# tiny echo plugin built at test time), the HTTPS third-party API double, and
# plugintest (builds a plugin dist for tests). With the race detector: other
# suites drive the doubles from many goroutines, so a race here would make
# their tests flaky.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT/testkit"
unformatted="$(gofmt -l .)"
[ -z "$unformatted" ] || kit_die "testkit: gofmt needed on: $unformatted"
go vet ./...
go test -race -count=1 ./...
# Speed, printed beside its baseline (HTTP only) - numbers, not a pass/fail.
go test -run '^$' -bench . -benchtime=300x ./grafanadouble/
