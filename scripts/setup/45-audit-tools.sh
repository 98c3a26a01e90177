# shellcheck shell=bash
# The audit's tools (npm run audit, npm run leak-sweep; audit/README.md):
# OPA and gitleaks, pinned, built from the Go module proxy into .tools/bin;
# the audit's npm packages (jsonc-parser, the SARIF Multitool that validates
# the audit's SARIF in its tests) from audit/package-lock.json.
# Idempotent: each step checks the version or the lock file's hash first.

kit_audit_go_tool() { # kit_audit_go_tool BINARY MODULE_PATH PACKAGE VERSION
  if ! go version -m "$KIT_TOOLS/bin/$1" 2>/dev/null | grep -q "^[[:space:]]*mod[[:space:]]*$2[[:space:]]*$4[[:space:]]"; then
    kit_log "audit: go install $3@$4 (minutes the first time)"
    GOBIN="$KIT_TOOLS/bin" go install "$3@$4" || kit_die "go install $3@$4 failed (is the Go module proxy reachable?)"
  fi
}
kit_audit_go_tool opa github.com/open-policy-agent/opa github.com/open-policy-agent/opa v1.22.3
kit_audit_go_tool gitleaks github.com/zricethezav/gitleaks/v8 github.com/zricethezav/gitleaks/v8 v8.30.1
unset -f kit_audit_go_tool

kit_audit_lock_sum="$(sha256sum "$KIT_ROOT/audit/package-lock.json" | cut -d' ' -f1)"
kit_audit_stamp="$KIT_ROOT/audit/node_modules/.kit-lock-sha256"
if [ "$(cat "$kit_audit_stamp" 2>/dev/null)" != "$kit_audit_lock_sum" ]; then
  kit_log "audit: npm ci in audit/"
  (cd "$KIT_ROOT/audit" && npm ci --no-audit --no-fund --loglevel=error) || kit_die "npm ci in audit/ failed"
  echo "$kit_audit_lock_sum" >"$kit_audit_stamp"
fi
# The Multitool's own postinstall only marks its binary executable; npm may
# hold install scripts back, so do it here.
kit_audit_multitool="$KIT_ROOT/audit/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
[ -f "$kit_audit_multitool" ] || kit_die "audit: $kit_audit_multitool is missing after npm ci in audit/"
[ -x "$kit_audit_multitool" ] || chmod u+x "$kit_audit_multitool"
unset kit_audit_lock_sum kit_audit_stamp kit_audit_multitool
