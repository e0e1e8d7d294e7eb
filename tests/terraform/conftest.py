"""Fixtures for the Terraform tier: the real terraform binary + provider mirror, and a summary line.

Tests that need terraform use the ``terraform`` fixture (skips when the binary or the provider
mirror is absent). Tests count what they proved with ``tests.terraform.figures.record``; the
terminal summary then prints e.g. ``terraform tier: 7 modules validated, 18 resources applied to moto``.
"""

from __future__ import annotations

import pytest

from tests.aws_fixtures import moto_server_fixtures
from tests.terraform.figures import summary_line
from tests.terraform.tf_cli import Terraform, find_mirror, find_terraform


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
    line = summary_line()
    if line:
        terminalreporter.write_sep("-", "terraform tier")
        terminalreporter.write_line(line)


# moto's server (tests/aws_fixtures.py): session-scoped ``moto_server`` and per-test ``moto``.
moto_server, moto = moto_server_fixtures()
