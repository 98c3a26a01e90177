#!/usr/bin/env bash
# The example pipelines (docs/pipelines/): actionlint (with shellcheck for the
# run: scripts) and zizmor (offline, pedantic persona: every audit) over every
# workflow file, with zero findings (a finding that is accepted must be
# justified inline where it occurs); a deliberately broken copy must fail
# both, so "zero findings" means something; then the workflow's promises
# read from the file itself (infra/bin/pipeline-workflow.test.ts).
# The placeholder-plan and saved-plan properties run with the infra
# integration tests (infra/bin/plan-apply.integration.test.ts).
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT"

workflows=(docs/pipelines/*.yml)
kit_log "pipelines: actionlint $(actionlint -version | head -n1) over ${workflows[*]}"
actionlint -shellcheck "$(command -v shellcheck)" "${workflows[@]}"
kit_log "pipelines: zizmor $(zizmor --version | cut -d' ' -f2) --offline --persona=pedantic over ${workflows[*]}"
zizmor --offline --persona=pedantic --no-progress "${workflows[@]}"

kit_log "pipelines: a broken copy (tag-pinned action, write-all, a template injection) must fail both checkers"
broken="$(mktemp -d)"
trap 'rm -rf "$broken"' EXIT
sed -e 's|actions/checkout@[0-9a-f]\{40\} # v[0-9.]*|actions/checkout@v5|' \
  -e 's|^permissions: {}|permissions: write-all|' \
  -e 's|--out apply.tfplan$|--out "${{ github.event.head_commit.message }}"|' \
  docs/pipelines/plan-and-apply.yml >"$broken/broken.yml"
if actionlint -shellcheck= "$broken/broken.yml" >"$broken/actionlint.out" 2>&1; then kit_die "actionlint found nothing in the broken copy"; fi
grep -q 'potentially untrusted' "$broken/actionlint.out" || kit_die "actionlint missed the template injection: $(cat "$broken/actionlint.out")"
if zizmor --offline --persona=pedantic --no-progress "$broken/broken.yml" >"$broken/zizmor.out" 2>&1; then kit_die "zizmor found nothing in the broken copy"; fi
for audit in unpinned-uses excessive-permissions template-injection; do
  grep -q "$audit" "$broken/zizmor.out" || kit_die "zizmor missed $audit in the broken copy"
done

kit_log "pipelines: workflow properties"
npx vitest run --config infra/vitest.config.mts bin/pipeline-workflow.test.ts
echo "pipelines: actionlint 0 findings, zizmor 0 findings; the broken copy fails both"
