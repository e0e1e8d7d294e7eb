"""Fixtures for the example acceptance tests: the runtime tests' throw-away PostgreSQL server."""

from __future__ import annotations

import sys
from pathlib import Path

# the runtime source fixtures import their HTTP stub as a top-level module
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runtime" / "sources"))

from tests.runtime.sources.conftest import postgres  # noqa: E402,F401  (re-exported fixture)
