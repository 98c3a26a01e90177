#!/usr/bin/env bash
# Set-up for a pipeline's plan, apply and drift jobs: only what synth, plan
# and apply need. Checks Node, Go and Terraform; npm packages without
# devDependencies; our provider built reproducibly into the mirror; the
# third-party providers in offline mode; the cdktn bindings. No test tools:
# no vitest or type checker, no Chromium, OpenBao server, PostgreSQL, sops/age
# or workflow linters (scripts/bootstrap.sh installs those for the tests).
#
#   bash infra/scripts/setup-deploy.sh
set -euo pipefail
source "$(dirname "$0")/../../scripts/env.sh"
export KIT_SETUP_PROFILE=deploy
mkdir -p "$KIT_TOOLS/bin"
for step in 10-toolchains 30-grafanaapp-provider 40-infra; do
  kit_log "deploy set-up: $step"
  # shellcheck source=/dev/null
  source "$KIT_ROOT/scripts/setup/$step.sh"
done
kit_log "deploy set-up complete"
