"""`terraform init` + `terraform validate` (real provider, offline) of the compiled root of every
example project and every shared reference project, exactly as `contractforge compile` writes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from contractforge.cli.main import main

from tests.conftest import REFERENCE_PROJECTS, REPO_ROOT
from tests.terraform.figures import record
from tests.terraform.tf_cli import Terraform

pytestmark = pytest.mark.terraform

EXAMPLES = sorted(p.name for p in (REPO_ROOT / "examples").iterdir() if (p / "project.yaml").is_file())
REFERENCE = sorted(p.name for p in REFERENCE_PROJECTS.glob("*") if (p / "project.yaml").is_file())


def _validate_compiled(terraform: Terraform, project: Path, out: Path) -> None:
    assert main(["compile", str(project), "--env", "aws", "--out", str(out)]) == 0
    terraform.init(out)
    result = terraform.validate(out)
    assert "The configuration is valid" in result.stdout, result.stdout + result.stderr
    record("compiled roots validated")


@pytest.mark.parametrize("example", EXAMPLES)
def test_compiled_example_root_validates(terraform: Terraform, tmp_path: Path, example: str) -> None:
    _validate_compiled(terraform, REPO_ROOT / "examples" / example, tmp_path / "build")


@pytest.mark.parametrize("name", REFERENCE or ["(absent)"])
def test_compiled_reference_root_validates(
    terraform: Terraform, reference_projects: Path, tmp_path: Path, name: str
) -> None:
    _validate_compiled(terraform, reference_projects / name, tmp_path / "build")


def test_compiled_governance_root_validates(terraform: Terraform, tmp_path: Path) -> None:
    """Lake Formation + an access contract (tags, tag grants, row filter, mask) + alerts."""
    _validate_compiled(
        terraform, REPO_ROOT / "tests" / "terraform" / "fixtures" / "governance_project", tmp_path / "b"
    )
