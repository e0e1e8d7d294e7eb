"""Temp copies of the modules and test roots, laid out like the repository (relative sources work)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.terraform.layout import FIXTURES_DIR, MODULES_DIR, REPO_ROOT

_IGNORE = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*", "*_override.tf.json")


def copy_modules(destination: Path) -> Path:
    """Copy terraform/modules to <destination>/terraform/modules; return the copied modules dir."""
    target = destination / MODULES_DIR.relative_to(REPO_ROOT)
    shutil.copytree(MODULES_DIR, target, ignore=_IGNORE)
    return target


def copy_fixture_root(destination: Path, name: str = "minimal_root") -> Path:
    """Copy the modules and tests/terraform/fixtures/<name>, keeping their relative layout."""
    copy_modules(destination)
    source = FIXTURES_DIR / name
    target = destination / source.relative_to(REPO_ROOT)
    shutil.copytree(source, target, ignore=_IGNORE)
    return target
