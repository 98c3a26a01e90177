#!/usr/bin/env bash
# npm run audit: the kit's environment (scripts/env.sh: Node 22, the tools in
# .tools/bin, the offline Terraform provider mirror), then the audit runner
# (audit/runner/cli.ts). Arguments are passed on; see audit/README.md.
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
exec "$KIT_ROOT/node_modules/.bin/tsx" "$KIT_ROOT/audit/runner/cli.ts" "$@"
