"""Shared test configuration: where the shared reference material lives, and markers."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
REFERENCE_PROJECTS = SHARED / "fixtures" / "reference-projects"


@pytest.fixture(scope="session")
def reference_projects() -> Path:
    """The original ContractForge's projects; tests using them skip when ../shared is absent."""
    if not REFERENCE_PROJECTS.is_dir():
        pytest.skip("../shared/fixtures/reference-projects is not present on this machine")
    return REFERENCE_PROJECTS
