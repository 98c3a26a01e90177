#!/usr/bin/env bash
# The same checks in every codebase, before any test runs: golangci-lint over
# the three Go modules (.golangci.yml), shellcheck over every shell script
# (.shellcheckrc), ESLint over infra/ and audit/ (eslint.config.mjs; plugin/
# has its own run in 25-plugin-frontend.sh), Prettier over the TypeScript of
# plugin/, infra/ and audit/ (prettier.config.mjs), and knip's unused files and
# exports over all three (knip.json). Each must report nothing; each says what
# it checked. `npm run lint:fix` applies what the tools can fix themselves.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
cd "$KIT_ROOT"

failed=()
check() { # check NAME COMMAND...: run one linter, remember a failure, go on
  local name="$1"
  shift
  if ! "$@"; then
    kit_log "lint: $name FAILED"
    failed+=("$name")
  fi
}

golangci() {
  local version module packages rc=0
  version="$(golangci-lint version --short)"
  for module in plugin testkit infra/terraform-provider-grafanaapp; do
    packages="$(cd "$module" && go list ./... | wc -l)"
    kit_log "lint: golangci-lint $version, $module/ ($packages packages)"
    (cd "$module" && golangci-lint run --config "$KIT_ROOT/.golangci.yml" ./...) || rc=1
  done
  return "$rc"
}

# Every shell script: *.sh and *.bash, and files whose first line names sh or
# bash (.ci/run, audit/hooks/pre-commit), tracked or new, never ignored ones.
shell_scripts() {
  local f
  git ls-files --cached --others --exclude-standard -z | while IFS= read -r -d '' f; do
    [ -f "$f" ] || continue
    case "$f" in
      *.sh | *.bash) printf '%s\0' "$f" ;;
      *) head -n1 "$f" 2>/dev/null | grep -qE '^#!.*[/ ](ba)?sh( |$)' && printf '%s\0' "$f" ;;
    esac
  done
}

shellcheck_all() {
  local scripts=()
  mapfile -d '' scripts < <(shell_scripts)
  [ ${#scripts[@]} -gt 0 ] || { kit_log "lint: shellcheck found no shell script to check"; return 1; }
  kit_log "lint: $(shellcheck --version | sed -n 's/^version: /shellcheck /p'), ${#scripts[@]} scripts"
  shellcheck "${scripts[@]}"
}

eslint_root() {
  local report
  report="$(mktemp)"
  # JSON to count what was checked; on a finding, the readable report again
  # (fast: the cache holds every file that passed).
  if npx eslint --cache --cache-location node_modules/.cache/eslint/ --max-warnings 0 --format json --output-file "$report" .; then
    kit_log "lint: eslint $(npx eslint --version), $(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).length)' "$report") files in infra/ and audit/"
    rm -f "$report"
  else
    rm -f "$report"
    npx eslint --cache --cache-location node_modules/.cache/eslint/ --max-warnings 0 .
    return 1
  fi
}

prettier_check() {
  local out files
  out="$(npx prettier --check --cache --cache-location node_modules/.cache/prettier/cache.json --log-level debug '**/*.{ts,tsx,mts,mjs,cjs,js}' 2>&1)" || {
    grep -E '^\[(warn|error)\]' <<<"$out"
    kit_log "lint: Prettier would reformat the files above. Fix: npm run lint:fix"
    return 1
  }
  files="$(grep -c '^\[debug\] resolve config from' <<<"$out")"
  kit_log "lint: prettier $(npx prettier --version), $files files in plugin/, infra/ and audit/"
}

knip_check() {
  kit_log "lint: knip $(npx knip --version): unused files and exports in the root (infra/), audit/ and plugin/ workspaces"
  npx knip --no-progress || {
    kit_log "lint: knip found the unused code above. Fix: delete it, or drop the export keyword (npm run lint:fix does that)"
    return 1
  }
}

check golangci-lint golangci
check shellcheck shellcheck_all
check eslint eslint_root
check prettier prettier_check
check knip knip_check

[ ${#failed[@]} -eq 0 ] || kit_die "lint: findings from ${failed[*]}"
kit_log "lint: golangci-lint, shellcheck, eslint, prettier and knip: no findings"
