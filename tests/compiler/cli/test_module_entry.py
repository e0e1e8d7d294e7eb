"""``python -m contractforge`` is the console script."""

from __future__ import annotations

import subprocess
import sys

from contractforge import __version__

from tests.conftest import REPO_ROOT


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "contractforge", *argv],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )


def test_version_through_python_dash_m() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"contractforge {__version__}"


def test_exit_code_and_message_pass_through() -> None:
    result = _run("validate", "examples/orders-medallion")
    assert result.returncode == 0, result.stderr
    bad = _run("validate", "/nonexistent/project")
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
