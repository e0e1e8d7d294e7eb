"""The mutation sweep: every shipped example project (and the reference projects when ../shared is
present), each YAML file broken in each of the ways people break files (mutations.py), through
``validate``, ``plan`` and ``compile``.

Every answer is an exit code the mutation allows (never 70, never a traceback); a refusal (exit 2)
is only ``error: file:line: …`` lines, and unless the mutation may be blamed elsewhere one of them
names the mutated file (at the mutated line when it is known).
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest
from contractforge.cli.main import main

from tests.compiler.bad_inputs.mutations import Mutation, mutations
from tests.conftest import REFERENCE_PROJECTS

REPO = Path(__file__).resolve().parents[3]
PROJECTS = sorted(p for p in (REPO / "examples").iterdir() if (p / "project.yaml").is_file())
REFERENCES = sorted(p for p in REFERENCE_PROJECTS.iterdir() if (p / "project.yaml").is_file()) if (
    REFERENCE_PROJECTS.is_dir()) else []  # fmt: skip
LOCATED = re.compile(r"^error: (\S+\.(?:ya?ml|json)):(\d+)(?::\d+)?: ")
NAMED = re.compile(r"^error: \S+: ")  # a file that is not there has no line to point at


def _run(command: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(command)
    return code, out.getvalue() + err.getvalue()


def apply(mutation: Mutation, root: Path) -> dict[str, bytes | None]:
    """Writes the mutation into ``root``; returns what it replaced (None: the file was not there)."""
    saved = {}
    for name, content in ((mutation.file, mutation.content), *mutation.extra):
        target = root / name
        saved[name] = target.read_bytes() if target.is_file() else None
        if content is None:
            target.unlink()
        else:
            target.write_bytes(content)
    if mutation.directory:
        (root / mutation.file).mkdir()
    return saved


def restore(root: Path, saved: dict[str, bytes | None]) -> None:
    for name, content in saved.items():
        if (root / name).is_dir():
            (root / name).rmdir()
        if content is None:
            (root / name).unlink(missing_ok=True)
        else:
            (root / name).write_bytes(content)


def check(mutation: Mutation, project: Path, workdir: Path) -> list[str]:
    """The failures of one mutation (empty when every command answered well). ``workdir`` keeps one
    copy of each project and its build between cases (the writer leaves unchanged files alone)."""
    root = workdir / project.name
    if not root.is_dir():
        shutil.copytree(project, root)
    saved = apply(mutation, root)
    out = workdir / f"{project.name}.build"
    failures = []
    try:
        for command in (
            ["validate", str(root)],
            ["plan", str(root)],
            ["compile", str(root), "--out", str(out)],
        ):
            code, text = _run(command)
            if command[0] == "plan" and code in (0, 1) and mutation.warned:  # kept: warned, with a suggestion
                lines = [
                    line for line in text.splitlines() if mutation.warned in line and "did you mean" in line
                ]
                failures += (
                    [] if lines else [f"plan exit {code}: no suggestion for {mutation.warned}\n{text}"]
                )
            failures += [
                f"{command[0]} exit {code}: {problem}\n{text}" for problem in _problems(mutation, code, text)
            ]
    finally:
        restore(root, saved)
    return failures


def _problems(mutation: Mutation, code: int, text: str) -> list[str]:
    if "Traceback" in text:
        return ["a traceback"]
    if code not in mutation.expect:
        return [f"expected exit {sorted(mutation.expect)}"]
    if code != 2:
        return []
    errors = [line for line in text.splitlines() if line.startswith("error: ")]
    if not errors:
        return ["exit 2 without an error line"]
    unlocated = [line for line in errors if not (LOCATED if mutation.located else NAMED).match(line)]
    if unlocated:
        return [f"error without file:line: {unlocated[0]}"]
    name = Path(mutation.file).name  # named where the error is, or in its message (a mismatch between files)
    if mutation.blame and not any(
        f"/{name}:" in line or line.startswith(f"error: {name}:") for line in errors
    ):
        return [f"no error names {name}"]
    return []


def _cases(projects: list[Path]) -> list:
    return [
        pytest.param(project, m, id=f"{project.name}/{m.id}")
        for project in projects
        for m in mutations(project)
    ]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sweep")


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize(("project", "mutation"), _cases(PROJECTS + REFERENCES))
def test_mutation_is_answered_clearly(project, mutation, workdir):
    failures = check(mutation, project, workdir)
    assert not failures, "\n".join(failures)
