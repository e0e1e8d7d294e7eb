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


def test_an_internal_error_is_one_redacted_line_with_exit_70(monkeypatch, capsys) -> None:
    """A bug surfaces as exit 70 and one line (the handler itself once raised ImportError)."""
    from contractforge.cli import command_validate
    from contractforge.cli.main import main

    def broken(_args):
        raise AttributeError("boom at postgresql://user:hunter2@db/x")

    monkeypatch.delenv("CONTRACTFORGE_DEBUG", raising=False)
    monkeypatch.setattr(command_validate, "run", broken)
    monkeypatch.setattr(command_validate, "register", _register_with(broken, command_validate.register))
    assert main(["validate", "examples/orders-medallion"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("error: internal error (AttributeError: boom") and "hunter2" not in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def _register_with(func, register):
    def wrapped(subparsers):
        register(subparsers)
        subparsers.choices["validate"].set_defaults(func=func)

    return wrapped
