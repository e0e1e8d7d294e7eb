#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs the whole test suite: ruff, lint-imports, then pytest (all tiers).
# Fast tier only: scripts/test.sh -m "not slow and not terraform and not jdbc"
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff"
python3 -m ruff check .
echo "== lint-imports"
# = `lint-imports --no-cache` (called through python3 so no console-script shim is needed)
python3 -c 'import sys; from importlinter.cli import lint_imports_command as main; sys.exit(main())' --no-cache
echo "== pytest"
python3 -m pytest "$@"
