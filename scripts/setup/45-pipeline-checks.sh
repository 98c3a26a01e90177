# shellcheck shell=bash
# Checkers for the example pipelines in docs/pipelines/ (scripts/tests/45-pipelines.sh):
# actionlint (with shellcheck for the `run:` scripts) and zizmor, pinned.
# Idempotent: each tool is installed only when its pinned version is missing.
KIT_ACTIONLINT_VERSION="v1.7.12"
KIT_ZIZMOR_VERSION="1.32.0"

if ! go version -m "$KIT_TOOLS/bin/actionlint" 2>/dev/null | grep -q "rhysd/actionlint[[:space:]]*$KIT_ACTIONLINT_VERSION"; then
  kit_log "pipelines: go install actionlint $KIT_ACTIONLINT_VERSION"
  GOBIN="$KIT_TOOLS/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$KIT_ACTIONLINT_VERSION" || kit_die "go install actionlint failed"
fi

if ! command -v shellcheck >/dev/null; then
  kit_log "pipelines: apt-get install shellcheck (actionlint checks run: scripts with it)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck; } >/dev/null || kit_die "apt-get install shellcheck failed"
fi

if [ "$("$KIT_TOOLS/venv/bin/zizmor" --version 2>/dev/null)" != "zizmor $KIT_ZIZMOR_VERSION" ]; then
  kit_log "pipelines: pip install zizmor==$KIT_ZIZMOR_VERSION"
  [ -x "$KIT_TOOLS/venv/bin/pip" ] || python3 -m venv "$KIT_TOOLS/venv" || kit_die "python3 -m venv failed"
  "$KIT_TOOLS/venv/bin/pip" install -q "zizmor==$KIT_ZIZMOR_VERSION" || kit_die "pip install zizmor failed"
fi
