"""The import-linter contracts of pyproject.toml hold, and really fail on a wrong import.

Each check runs ``lint-imports`` on a temporary copy of both packages (the same contracts, the
copy first on the path), once as it is and once with one deliberately wrong import added.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter")

REPO = Path(__file__).resolve().parents[2]
PACKAGES = {"compiler": "contractforge", "runtime": "contractforge_runtime"}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for folder, package in PACKAGES.items():
        shutil.copytree(
            REPO / folder / package,
            tmp_path / folder / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(root / folder) for folder in PACKAGES)}
    command = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
               "sys.exit(lint_imports_command())", "--no-cache"]  # fmt: skip
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def add_line(path: Path, line: str) -> None:
    """Insert ``line`` right after the module's ``from __future__`` import (or at the top)."""
    text = path.read_text()
    marker = "from __future__ import annotations\n"
    text = text.replace(marker, marker + line + "\n", 1) if marker in text else line + "\n" + text
    path.write_text(text)


def test_the_contracts_hold_on_the_code_as_it_is(copy: Path) -> None:
    result = lint_imports(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_earlier_stage_importing_a_later_one_breaks_the_layers(copy: Path) -> None:
    add_line(copy / "compiler/contractforge/models/base.py", "import contractforge.planner.project  # noqa")
    result = lint_imports(copy)
    assert result.returncode == 1
    assert "compiler stages run one way" in result.stdout and "BROKEN" in result.stdout
    assert "contractforge.models.base -> contractforge.planner.project" in result.stdout


def test_run_plans_importing_the_planner_back_break_a_contract(copy: Path) -> None:
    add_line(
        copy / "compiler/contractforge/planner/runplan/steps.py",
        "import contractforge.planner.project  # noqa",
    )
    result = lint_imports(copy)
    assert result.returncode == 1
    assert "never import back BROKEN" in " ".join(result.stdout.split())


@pytest.mark.parametrize("module", ["yaml", "pydantic", "contractforge.errors"])
def test_the_runtime_importing_the_compiler_or_its_libraries_breaks_a_contract(
    copy: Path, module: str
) -> None:
    add_line(copy / "runtime/contractforge_runtime/__init__.py", f"import {module}  # noqa")
    result = lint_imports(copy)
    assert result.returncode == 1
    assert "the runtime never imports the compiler, pydantic or yaml BROKEN" in " ".join(
        result.stdout.split()
    )
    assert f"contractforge_runtime -> {module}" in result.stdout


def test_a_runtime_stage_importing_a_later_one_breaks_the_runtime_layers(copy: Path) -> None:
    add_line(
        copy / "runtime/contractforge_runtime/evidence/state.py",
        "import contractforge_runtime.run.batch  # noqa",
    )
    result = lint_imports(copy)
    assert result.returncode == 1
    assert "runtime stages run one way" in result.stdout and "BROKEN" in result.stdout
    assert "contractforge_runtime.evidence.state -> contractforge_runtime.run.batch" in result.stdout
