"""`terraform init` + `terraform validate` of compiled roots with the real provider (offline mirror)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compiler.render.test_render_terraform_root import _full_feature_tree
from tests.terraform.tf_cli import Terraform, find_mirror, find_terraform

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="module")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    binary, mirror = find_terraform(), find_mirror()
    if binary is None or mirror is None:
        pytest.skip("terraform or the hashicorp/aws provider mirror is absent")
    return Terraform.offline(binary, mirror, tmp_path_factory.mktemp("tf-cli"))


def test_full_feature_root_validates(terraform: Terraform, tmp_path: Path) -> None:
    """Every module (roles via templatefile, Lake Formation, schedule) and both root variables."""
    for path, content in _full_feature_tree().items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content)
    terraform.init(tmp_path)
    result = terraform.validate(tmp_path)
    assert "The configuration is valid" in result.stdout


def test_split_project_root_validates(terraform: Terraform, tmp_path: Path) -> None:
    """A project split into a parent and child state machines (orchestration_tree module): a
    bronze/silver chain nested deeper than one machine's Parallel limit (validate costs ~0.5 s a step)."""
    from tests.compiler.render.test_render_sfn_split import big_project_tree

    files = big_project_tree(80).files
    assert sum(1 for path in files if path.startswith("artifacts/orchestration/")) > 1
    for path, content in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content)
    terraform.init(tmp_path)
    result = terraform.validate(tmp_path)
    assert "The configuration is valid" in result.stdout
