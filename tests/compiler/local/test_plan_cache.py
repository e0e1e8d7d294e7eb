"""The plan a local evidence command keeps in the home: the same plan as planning again, used only
while every input holds, and loaded without importing the compiler."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from contractforge.api import plan_project
from contractforge.errors import ContractForgeError
from contractforge.local.plan_cache import DIRECTORY, cached_plan

from tests.conftest import REPO_ROOT

PROBE = """
import json, sys
from contractforge.local.plan_cache import cached_plan
plan = cached_plan(sys.argv[1], "aws", sys.argv[2])
print(json.dumps([plan.evidence_database, "contractforge.api" in sys.modules, "pydantic" in sys.modules]))
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "examples" / "orders-medallion", copy, ignore=shutil.ignore_patterns("data"))
    return copy


def _probe(project: Path, home: Path) -> list:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(project), str(home)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_the_kept_plan_is_the_plan_and_needs_no_compiler(project: Path, tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()

    first = cached_plan(project, "aws", home)

    assert first == plan_project(project, "aws")
    assert len(list((home / DIRECTORY).glob("*.pickle"))) == 1
    assert cached_plan(project, "aws", home) == first
    database = first.evidence_database
    assert _probe(project, home) == [database, False, False]  # answered from the home


def test_any_changed_input_plans_again(project: Path, tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    cached_plan(project, "aws", home)
    environment = project / "environments" / "aws.environment.yaml"
    text = environment.read_text(encoding="utf-8")
    assert "region: us-east-1" in text
    environment.write_text(text.replace("region: us-east-1", "region: eu-west-1"), encoding="utf-8")

    assert cached_plan(project, "aws", home).region == "eu-west-1"

    contract_dir = next(project.rglob("*.ingestion.yaml")).parent
    (contract_dir / "notes.txt").write_text("a new file next to a contract\n", encoding="utf-8")
    assert _probe(project, home)[1] is True  # planned again (the listing changed)
    assert _probe(project, home)[1] is False  # and kept again


def test_invalid_input_is_raised_and_not_kept(project: Path, tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    (project / "project.yaml").write_text("name: [unclosed\n", encoding="utf-8")

    with pytest.raises(ContractForgeError):
        cached_plan(project, "aws", home)
    assert not (home / DIRECTORY).exists() or not list((home / DIRECTORY).iterdir())


def test_a_home_that_does_not_exist_is_not_created(project: Path, tmp_path: Path):
    home = tmp_path / "nowhere"

    assert cached_plan(project, "aws", home).name
    assert not home.exists()


def test_run_local_creates_the_home_to_keep_its_plan_only_for_a_valid_project(project: Path, tmp_path: Path):
    home = tmp_path / "new-home"

    assert cached_plan(project, "aws", home, create_home=True) == plan_project(project, "aws")
    assert _probe(project, home)[1] is False  # the next command finds the plan the run kept

    (project / "project.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContractForgeError):
        cached_plan(project, "aws", tmp_path / "other-home", create_home=True)
    assert not (tmp_path / "other-home").exists()
