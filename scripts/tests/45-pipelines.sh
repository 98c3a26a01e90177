#!/usr/bin/env bash
# The example pipelines (docs/pipelines/): actionlint (shellcheck included)
# and zizmor over every workflow file, with zero findings (a finding that is
# accepted is justified inline where it occurs), then the workflow's own
# properties (infra/bin/pipeline-workflow.test.ts: pins, permissions, which
# job sees which secret, the CI deployment config is valid).
# The placeholder-plan and saved-plan properties run with the infra
# integration tests (infra/bin/plan-apply.integration.test.ts).
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT"

workflows=(docs/pipelines/*.yml)
kit_log "pipelines: actionlint $(actionlint -version | head -n1) over ${workflows[*]}"
actionlint -shellcheck "$(command -v shellcheck)" "${workflows[@]}"
kit_log "pipelines: zizmor $(zizmor --version | cut -d' ' -f2) (offline, every audit incl. pedantic) over ${workflows[*]}"
zizmor --offline --persona=pedantic --no-progress "${workflows[@]}"
kit_log "pipelines: workflow properties"
npx vitest run --config infra/vitest.config.mts bin/pipeline-workflow.test.ts
echo "pipelines: actionlint 0 findings, zizmor 0 findings"
