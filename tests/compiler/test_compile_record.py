"""compile --check answers from the compile record when nothing changed, and only then."""

from __future__ import annotations

import shutil
from pathlib import Path

from contractforge.cli.main import main
from contractforge.compile_record import RECORD_FILE, compile_options, up_to_date

from tests.conftest import REPO_ROOT


def _compiled(tmp_path: Path) -> tuple[Path, Path]:
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "examples" / "orders-medallion", project)
    out = tmp_path / "out"
    assert main(["compile", str(project), "--out", str(out)]) == 0
    return project, out


def _fresh(project: Path, out: Path) -> int | None:
    return up_to_date(out, compile_options(project, "aws", "vendored", None))


def test_an_unchanged_project_is_up_to_date_from_the_record(tmp_path: Path, capsys) -> None:
    project, out = _compiled(tmp_path)
    assert (out / RECORD_FILE).is_file()
    files = _fresh(project, out)
    assert files and files == sum(1 for p in out.rglob("*") if p.is_file() and p.name != RECORD_FILE)
    assert main(["compile", str(project), "--out", str(out), "--check"]) == 0
    assert "is up to date" in capsys.readouterr().out
    assert _fresh(project, out / "elsewhere") is None
    assert up_to_date(out, compile_options(project, "aws", "vendored", "http://127.0.0.1:5000")) is None


def test_any_change_falls_back_to_the_full_check(tmp_path: Path, capsys) -> None:
    project, out = _compiled(tmp_path)
    contract = next(project.rglob("*.ingestion.yaml"))
    contract.write_text(contract.read_text() + "\n# a comment changes the bytes\n")
    assert _fresh(project, out) is None
    assert main(["compile", str(project), "--out", str(out), "--check"]) == 0  # comments: output unchanged


def test_a_new_sibling_file_or_an_edited_output_is_noticed(tmp_path: Path) -> None:
    project, out = _compiled(tmp_path)
    contract = next(project.rglob("*.ingestion.yaml"))
    sibling = contract.with_name(contract.name.replace(".ingestion.", ".annotations."))
    if not sibling.exists():
        sibling.write_text("table: {description: new}\n")
        assert _fresh(project, out) is None
        sibling.unlink()
    assert _fresh(project, out)
    (out / "main.tf.json").write_text((out / "main.tf.json").read_text() + " ")
    assert _fresh(project, out) is None
    assert main(["compile", str(project), "--out", str(out), "--check"]) == 1
