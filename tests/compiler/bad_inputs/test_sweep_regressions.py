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


def test_a_misspelt_environment_key_is_warned_at_its_line_with_a_suggestion(project, capsys):
    # was: "aws.environment.yaml: [project] …: parameters.aws.glue_job.timeout_minutse:
    # parameters.aws.glue_job.timeout_minutse: not a key …" (no line, the key twice, no suggestion)
    edit(
        project,
        ENVIRONMENT,
        "    region: us-east-1\n",
        "    region: us-east-1\n    glue_job:\n      timeout_minutse: 20\n",
    )
    for command in ("plan", "validate"):  # validate was silent about it
        assert main([command, str(project)]) == 0
        captured = capsys.readouterr()
        lines = [line for line in (captured.out + captured.err).splitlines() if "timeout_minutse" in line]
        assert len(lines) == 1 and "aws.environment.yaml:11: " in lines[0], lines
        assert lines[0].count("timeout_minutse") == 1 and "(did you mean 'timeout_minutes'?)" in lines[0]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda b: shutil.rmtree(b), "contracts/aws/b: No such file or directory while compiling"),  # exit 70
        (lambda b: (b / "b.annotations.yaml").unlink(), "b.annotations.yaml: deleted while compiling"),
        (lambda b: (b / "b.annotations.yaml").write_text("table: {description: x}\n"), "b.annotations.yaml: changed"),
    ],  # the last two were published silently: a bundle other than the one planned
)  # fmt: skip
def test_a_contract_bundle_changed_while_compiling_is_a_clear_error(
    project, capsys, monkeypatch, change, named
):
    from contractforge import api

    edit(project, ENVIRONMENT, "artifacts:\n", "artifacts:\n  include_contract_bundle: true\n")
    (project / "contracts/aws/b/b.annotations.yaml").write_text("table:\n  description: orders\n")
    planned = api.plan_project

    def plan_then_change(*args, **kwargs):
        plan = planned(*args, **kwargs)
        change(project / "contracts/aws/b")  # e.g. a branch switched under a running compile
        return plan

    monkeypatch.setattr(api, "plan_project", plan_then_change)
    [(code, err)] = answers(project, capsys, "compile")
    assert code == 2 and err.startswith("error: ") and named in err, err
    assert "compile again" in err and len(err.strip().splitlines()) == 1


def test_a_misspelt_aws_extension_key_is_warned_with_a_suggestion(project, capsys):
    # was "extensions.aws.icebreg: unknown key extensions.aws.icebreg is ignored" (no suggestion)
    path = project / BRONZE
    path.write_text(
        path.read_text() + "extensions:\n  aws:\n    icebreg: {}\n    glue_job: {timeout_minutse: 5}\n"
    )
    assert main(["plan", str(project)]) == 0
    out = capsys.readouterr().out
    assert "extensions.aws.icebreg: unknown key, ignored (did you mean 'iceberg'?)" in out, out
    assert "glue_job.timeout_minutse: unknown field, not honoured (did you mean 'timeout_minutes'?)" in out


def test_extensions_spelt_like_aws_are_warned(project, capsys):
    # was silent: `extensions: {asw: …}` dropped every AWS setting of the contract without a word
    path = project / BRONZE
    path.write_text(
        path.read_text() + "extensions:\n  asw:\n    glue_job: {timeout_minutes: 5}\n  databricks: {}\n"
    )
    for command in ("validate", "plan"):
        assert main([command, str(project)]) == 0
        captured = capsys.readouterr()
        lines = [line for line in (captured.out + captured.err).splitlines() if "EXTENSION_NOT_AWS" in line]
        assert len(lines) == 1 and "b.ingestion.yaml:9: " in lines[0], lines  # not the databricks one
        assert "extension 'asw' is not read on AWS (did you mean 'aws'?)" in lines[0]


def test_an_environment_file_that_is_a_directory_is_called_one(project, capsys):
    # was "environment file not found: environments/aws.environment.yaml" (it is there, as a folder)
    (project / ENVIRONMENT).unlink()
    (project / ENVIRONMENT).mkdir()
    for code, err in answers(project, capsys, "validate", "plan"):
        assert code == 2 and "project.yaml:3:" in err, err
        assert "environment file environments/aws.environment.yaml is a directory, not a file" in err


def test_environment_parameters_spelt_like_aws_are_warned(project, capsys):
    # was silent: `parameters: {asw: …}` dropped region, Glue settings and the rest without a word
    edit(project, ENVIRONMENT, "  aws:\n", "  asw:\n")
    path = project / BRONZE  # the warehouse the dropped parameters held, so the project stays valid
    path.write_text(
        path.read_text() + "extensions:\n  aws:\n    iceberg: {warehouse: 's3://cf-bad-lake/w/'}\n"
    )
    edit(
        project,
        SILVER,
        "layer: silver\n",
        "layer: silver\nextensions: {aws: {iceberg: {warehouse: 's3://l/w/'}}}\n",
    )
    for command in ("validate", "plan"):
        assert main([command, str(project)]) == 0
        captured = capsys.readouterr()
        lines = [line for line in (captured.out + captured.err).splitlines() if "parameters.asw" in line]
        assert (
            len(lines) == 1 and "aws.environment.yaml:8: " in lines[0] and "(did you mean 'aws'?)" in lines[0]
        )


def test_an_output_place_that_cannot_hold_the_build_is_bad_input(project, capsys, monkeypatch):
    # was exit 70: NotADirectoryError (--out names a file, or a path through one)
    taken = project.parent / "taken"
    taken.write_text("not a directory")
    for out in (taken, taken / "sub"):
        assert main(["compile", str(project), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err == f"error: --out {out}: cannot write the build here: {taken} is a file, not a directory\n"

    from contractforge import writer

    def refused(self, path, *args, **kwargs):  # what a read-only place answers (not testable as root)
        raise PermissionError(13, "Permission denied", str(self.out_dir / path))

    monkeypatch.setattr(writer.TreeWriter, "add", refused)
    out = project.parent / "build"
    assert main(["compile", str(project), "--out", str(out)]) == 2
    assert "cannot write the build here: Permission denied: " in capsys.readouterr().err
