#!/usr/bin/env bash
# The README's test command: install what is missing, then lint, typecheck and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
VIGIL_WITH_BROWSER=1 bash scripts/ensure-deps.sh
exec bash scripts/check.sh "$@"
