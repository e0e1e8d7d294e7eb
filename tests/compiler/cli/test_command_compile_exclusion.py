"""compile --exclude-unrunnable: unrunnable steps and their dependants left out, loudly, exit 3."""

from __future__ import annotations

import json

import yaml
from contractforge.cli.main import main

from tests.compiler.project_factory import csv_contract, write_project


def _project(tmp_path):
    root = write_project(
        tmp_path / "p",
        {
            "ok_bronze": csv_contract(target={"catalog": "cf", "schema": "test_bronze", "table": "b_ok"}),
            "review_bronze": csv_contract(mode="custom:scd3"),
            "after_review": csv_contract(
                target={"catalog": "cf", "schema": "test_bronze", "table": "b_after"}
            ),
            "after_after": csv_contract(
                target={"catalog": "cf", "schema": "test_bronze", "table": "b_after2"}
            ),
        },
    )
    document = yaml.safe_load((root / "project.yaml").read_text())
    depends = {"after_review": ["review_bronze"], "after_after": ["after_review", "ok_bronze"]}
    for step in document["execution_order"]:
        if step["name"] in depends:
            step["depends_on"] = depends[step["name"]]
    (root / "project.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return root


def test_default_stays_all_or_nothing(tmp_path, capsys) -> None:
    root, out = _project(tmp_path), tmp_path / "out"
    assert main(["compile", str(root), "--out", str(out)]) == 1
    assert not out.exists()
    assert "--exclude-unrunnable" in capsys.readouterr().err


def test_unrunnable_steps_and_their_dependants_are_left_out_loudly(tmp_path, capsys) -> None:
    root, out = _project(tmp_path), tmp_path / "out"
    assert main(["compile", str(root), "--out", str(out), "--exclude-unrunnable"]) == 3
    err = capsys.readouterr().err
    assert "LEFT OUT" in err and "3 step(s)" in err
    assert "review_bronze: REVIEW_REQUIRED (AWS_CUSTOM_WRITE_MODE_NOT_IMPLEMENTED" in err
    assert "after_review: depends on left-out review_bronze" in err
    assert "after_after: depends on left-out after_review" in err
    jobs = json.loads((out / "main.tf.json").read_text())["locals"]["glue_jobs"]
    assert sorted(jobs) == ["ok_bronze"]
    assert main(["compile", str(root), "--out", str(out), "--exclude-unrunnable", "--check"]) == 3
    assert main(["compile", str(root), "--out", str(out), "--check"]) == 1  # the full project is not compiled
