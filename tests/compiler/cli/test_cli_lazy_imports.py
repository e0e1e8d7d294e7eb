"""Pre-commit commands start fast: each imports only its own command module and what it uses."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

HEAVY = ("boto3", "botocore", "pyathena", "sqlglot", "pyspark", "moto")
USES_SQL = {"validate", "plan", "compile"}  # contract SQL is parsed (sqlglot) at validate/plan time
PROBE = """
import json, sys
from contractforge.cli.main import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
heavy = set(json.loads(sys.argv[1]))
loaded = sorted({m.split('.')[0] for m in sys.modules} & heavy)
commands = sorted(m for m in sys.modules if m.startswith('contractforge.cli.command_'))
print(json.dumps([loaded, commands]), file=sys.stderr)
"""


def _probe(*argv: str) -> tuple[list[str], list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY), *argv],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    loaded, commands = json.loads(result.stderr.strip().splitlines()[-1])
    return loaded, commands


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
    assert set(loaded) <= ({"sqlglot"} if argv[0] in USES_SQL else set())
    assert commands == [f"contractforge.cli.command_{argv[0]}"]


def test_version_imports_no_command() -> None:
    loaded, commands = _probe("--version")
    assert loaded == [] and commands == []
