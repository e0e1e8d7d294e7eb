"""Fixtures for the Terraform tier: the real terraform binary + provider mirror, and a summary line.

Tests that need terraform use the ``terraform`` fixture (skips when the binary or the provider
mirror is absent). Each test records what it proved with :func:`record`; the terminal summary then
prints e.g. ``terraform tier: 7 modules validated, 18 resources applied to moto``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.terraform.tf_cli import Terraform, find_mirror, find_terraform

REPO_ROOT = Path(__file__).resolve().parents[2]
MODULES_DIR = REPO_ROOT / "terraform" / "modules"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
MODULE_NAMES = sorted(p.name for p in MODULES_DIR.iterdir() if p.is_dir()) if MODULES_DIR.is_dir() else []

_FIGURES: Counter[str] = Counter()


def record(figure: str, amount: int = 1) -> None:
    """Count something a test proved (shown in the terminal summary)."""
    _FIGURES[figure] += amount


@pytest.fixture(scope="session")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    binary = find_terraform()
    if binary is None:
        pytest.skip("terraform is not on PATH")
    mirror = find_mirror()
    if mirror is None:
        pytest.skip("no hashicorp/aws provider mirror (/opt/tf-plugins or $CONTRACTFORGE_TF_PLUGIN_MIRROR)")
    return Terraform.offline(binary, mirror, tmp_path_factory.mktemp("tf-cli"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _FIGURES:
        return
    parts = [f"{count} {figure}" for figure, count in sorted(_FIGURES.items())]
    terminalreporter.write_sep("-", "terraform tier")
    terminalreporter.write_line("terraform tier: " + ", ".join(parts))
