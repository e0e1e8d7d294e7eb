"""One case per defect the mutation sweep (test_mutation_sweep.py) found, on the corpus's base project.

Each edits the base project the way the failing mutation did and states the answer the CLI must give.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from contractforge.cli.main import main

BASE = Path(__file__).parent / "base"
ENVIRONMENT = "environments/aws.environment.yaml"
BRONZE = "contracts/aws/b/b.ingestion.yaml"
SILVER = "contracts/aws/s/s.ingestion.yaml"


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    return root


def edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1))


def answers(root: Path, capsys, *commands: str) -> list[tuple[int, str]]:
    results = []
    for command in commands:
        argv = [command, str(root)] + (["--out", str(root.parent / "build")] if command == "compile" else [])
        code = main(argv)
        captured = capsys.readouterr()
        assert "Traceback" not in captured.out + captured.err
        results.append((code, captured.err))
    return results


def test_warehouse_only_in_the_contracts_is_planned(project, capsys):
    # was exit 70: AttributeError: 'str' object has no attribute 'warehouse' (plan, compile)
    edit(
        project,
        ENVIRONMENT,
        "    iceberg:\n      warehouse: s3://cf-bad-lake/warehouse/\n",
        "    iceberg: null\n",
    )
    for file in (BRONZE, SILVER):
        path = project / file
        path.write_text(
            path.read_text() + "extensions:\n  aws:\n    iceberg: {warehouse: 's3://cf-bad-lake/w/'}\n"
        )
    assert [code for code, _ in answers(project, capsys, "validate", "plan", "compile")] == [0, 0, 0]
