#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs the whole test suite: ruff, then pytest (all tiers).
# Fast tier only: scripts/test.sh -m "not slow and not terraform and not jdbc"
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff"
python3 -m ruff check .
echo "== pytest"
python3 -m pytest "$@"
