# shellcheck shell=bash
# Test doubles (testkit/): fetch their Go modules so the suite runs offline.
# Sourced by scripts/bootstrap.sh; `go mod download` is a no-op when cached.
kit_log "testkit: go mod download"
(cd "$KIT_ROOT/testkit" && go mod download) || kit_die "testkit: go mod download failed (is the Go module proxy reachable?)"
