"""The bad-input corpus: each file in cases/ breaks a valid base project in one way.

A case file named ``<case>.<kind>.yaml`` replaces (or adds) one file of ``base/``:
``ingestion`` → the bronze contract, ``silver`` → the silver contract, ``annotations`` /
``operations`` / ``access`` → a sibling of the bronze contract, ``environment``, ``project``.
Its first line states what the real CLI must report: ``# expect: exit=N line=L [field=F] [code=C]``.
``validate``, ``plan`` and ``compile`` must all refuse a case with exit 2 at that place (``validate``
runs every check ``plan`` runs); exit-1 cases are planner blockers, which ``validate`` accepts.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from contractforge.cli.main import main

HERE = Path(__file__).parent
CASES = sorted((HERE / "cases").glob("*.yaml"))
PLACEMENT = {
    "ingestion": "contracts/aws/b/b.ingestion.yaml",
    "silver": "contracts/aws/s/s.ingestion.yaml",
    "annotations": "contracts/aws/b/b.annotations.yaml",
    "operations": "contracts/aws/b/b.operations.yaml",
    "access": "contracts/aws/b/b.access.yaml",
    "environment": "environments/aws.environment.yaml",
    "project": "project.yaml",
}


def expectation(case: Path) -> dict[str, str]:
    header = case.read_text().splitlines()[0]
    assert header.startswith("# expect:"), f"{case.name} must start with '# expect:'"
    return dict(part.split("=", 1) for part in header.removeprefix("# expect:").split())


def test_corpus_is_large_enough():
    assert len(CASES) >= 100


def test_base_project_is_valid(capsys):
    assert main(["plan", str(HERE / "base")]) == 0


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case, tmp_path, capsys):
    expected = expectation(case)
    kind = case.name.rsplit(".", 2)[1]
    root = tmp_path / "project"
    shutil.copytree(HERE / "base", root)
    target = root / PLACEMENT[kind]
    shutil.copyfile(case, target)

    commands = [["plan", str(root)]]
    if expected["exit"] == "2":
        commands += [["validate", str(root)], ["compile", str(root), "--out", str(tmp_path / "build")]]
    for command in commands:
        code = main(command)
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        assert code == int(expected["exit"]), f"{command[0]}: {out + err}"
        assert_located(expected, target, code, out, err)


def assert_located(expected: dict[str, str], target: Path, code: int, out: str, err: str) -> None:
    location = f"{target.name}:{expected['line']}"
    report = err if code == 2 else out
    lines = [line for line in report.splitlines() if location in line]
    assert lines, f"no line mentions {location}:\n{report}"
    if "field" in expected:
        assert any(f" {expected['field']}: " in line for line in lines), (
            f"field {expected['field']} not in:\n{report}"
        )
    if "code" in expected:
        assert any(expected["code"] in line for line in lines), report
    if code == 2:
        prefixes = ("error: ", "warning: ", "info: ")  # validate also prints the warnings it found
        assert all(line.startswith(prefixes) for line in err.splitlines() if line.strip()), err
        errors = [line for line in err.splitlines() if line.startswith("error: ")]
        assert all(re.match(r"error: \S+\.ya?ml:\d+(:\d+)?: ", line) for line in errors), err
