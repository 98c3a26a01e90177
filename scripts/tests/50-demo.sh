#!/usr/bin/env bash
# The README's first command, the kit's main job, must keep working: run it.
set -euo pipefail
exec bash "$(dirname "$0")/../demo.sh"
