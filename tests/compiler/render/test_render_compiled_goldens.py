"""Golden files of the compiled root of every example project and every shared reference project."""

from __future__ import annotations

from pathlib import Path

import pytest
from contractforge.render.inputs import TERRAFORM_MODULES

from tests.compiler.render.golden import GOLDEN_ROOT, assert_matches_golden, compile_tree
from tests.conftest import REFERENCE_PROJECTS, REPO_ROOT, SHARED

EXAMPLES = sorted(p.name for p in (REPO_ROOT / "examples").glob("*") if (p / "project.yaml").is_file())
REFERENCE = (
    sorted(p.name for p in REFERENCE_PROJECTS.glob("*") if (p / "project.yaml").is_file())
    if REFERENCE_PROJECTS.is_dir()
    else ["(absent)"]
)


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_project_matches_golden(name: str, update_golden: bool) -> None:
    files = compile_tree(REPO_ROOT / "examples" / name)
    assert_matches_golden(files, GOLDEN_ROOT / "examples" / name, update_golden)
    _check_portable(files)


@pytest.mark.parametrize("name", REFERENCE)
def test_reference_project_matches_golden(name: str, reference_projects: Path, update_golden: bool) -> None:
    files = compile_tree(reference_projects / name)
    assert_matches_golden(files, GOLDEN_ROOT / "reference" / name, update_golden)
    _check_portable(files)


def _check_portable(files: dict[str, bytes]) -> None:
    """No absolute path of this machine, vendored modules are byte copies."""
    for path, content in files.items():
        if path.endswith(".zip"):
            continue
        assert str(REPO_ROOT).encode() not in content, f"{path} contains an absolute path"
        assert str(SHARED.resolve()).encode() not in content, f"{path} contains an absolute path"
        if path.startswith("modules/"):
            assert content == (TERRAFORM_MODULES / path[len("modules/") :]).read_bytes(), path
