"""Pre-commit commands start fast: each imports only its own command module and what it uses."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

HEAVY = ("boto3", "botocore", "pyathena", "sqlglot", "pyspark", "moto")
PROBE = """
import sys
from contractforge.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
loaded = sorted({m.split('.')[0] for m in sys.modules} & set(%r))
commands = sorted(m for m in sys.modules if m.startswith('contractforge.cli.command_'))
print(loaded, commands, file=sys.stderr)
""" % (HEAVY,)


def _probe(*argv: str) -> tuple[list[str], list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120
    )
    loaded, commands = result.stderr.strip().splitlines()[-1].split("] [")
    return eval(loaded + "]"), eval("[" + commands)  # noqa: S307 - our own repr output


@pytest.mark.parametrize(
    "argv",
    [
        ("validate", "examples/orders-medallion"),
        ("plan", "examples/orders-medallion"),
        ("compile", "examples/orders-medallion", "--check", "--out", "/nonexistent/cf-build"),
        ("schema",),
    ],
)
def test_pre_commit_commands_import_no_aws_sql_or_spark_library(argv: tuple[str, ...]) -> None:
    loaded, commands = _probe(*argv)
    assert loaded == []
    assert commands == [f"contractforge.cli.command_{argv[0]}"]


def test_version_imports_no_command() -> None:
    loaded, commands = _probe("--version")
    assert loaded == [] and commands == []
