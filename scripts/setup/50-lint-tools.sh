# shellcheck shell=bash
# The linters of scripts/tests/05-lint.sh: golangci-lint v2, pinned, built
# from the Go module proxy into .tools/bin (its go.mod has no replace lines),
# and Debian's shellcheck. ESLint, Prettier and knip come from the root
# package-lock.json (npm ci in 40-infra.sh).
# Idempotent: each step checks the installed version first.

KIT_GOLANGCI_LINT_VERSION="v2.15.0"
if ! go version -m "$KIT_TOOLS/bin/golangci-lint" 2>/dev/null | grep -q "^[[:space:]]*mod[[:space:]]*github.com/golangci/golangci-lint/v2[[:space:]]*${KIT_GOLANGCI_LINT_VERSION}[[:space:]]"; then
  kit_log "lint: go install golangci-lint $KIT_GOLANGCI_LINT_VERSION (minutes the first time)"
  GOBIN="$KIT_TOOLS/bin" go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$KIT_GOLANGCI_LINT_VERSION" \
    || kit_die "go install golangci-lint $KIT_GOLANGCI_LINT_VERSION failed (is the Go module proxy reachable?)"
fi
unset KIT_GOLANGCI_LINT_VERSION

# .shellcheckrc's external-sources needs shellcheck 0.8+; Debian 12 has 0.9.0.
if ! command -v shellcheck >/dev/null; then
  kit_log "lint: apt-get install shellcheck"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck; } >/dev/null \
    || kit_die "apt-get install shellcheck failed; scripts/tests/05-lint.sh needs it"
fi
kit_lint_sc_version="$(shellcheck --version | sed -n 's/^version: //p')"
kit_version_ge "$kit_lint_sc_version" 0.8.0 || kit_die "shellcheck 0.8.0+ is required (.shellcheckrc external-sources); found $kit_lint_sc_version"
unset kit_lint_sc_version
