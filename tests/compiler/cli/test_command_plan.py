"""`contractforge plan`: table and JSON output, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

from contractforge.cli.main import main

from tests.compiler.project_factory import csv_contract, write_project

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def test_runnable_project_exits_0_with_a_table(capsys):
    assert main(["plan", str(EXAMPLES / "orders-medallion")]) == 0
    out = capsys.readouterr().out
    assert "bronze_orders" in out and "hash_diff_upsert" in out and "SUPPORTED_WITH_WARNINGS" in out
    assert "b_orders.ingestion.yaml:" in out and "3/3 step(s) runnable" in out


def test_json_summary(capsys):
    assert main(["plan", str(EXAMPLES / "api-and-postgres"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["runnable"] and summary["evidence_database"] == "billing_ops"
    assert [s["name"] for s in summary["steps"]] == [
        "bronze_customers",
        "bronze_fx_rates",
        "silver_customer_balances_eur",
    ]
    assert summary["steps"][0]["mode"] == "upsert" and summary["schedule"]["timezone"] == "America/New_York"


def test_review_required_exits_1(tmp_path, capsys):
    root = write_project(tmp_path / "p", {"h": csv_contract(mode="custom:scd3")})
    assert main(["plan", str(root)]) == 1
    out = capsys.readouterr().out
    assert "REVIEW_REQUIRED" in out and "AWS_CUSTOM_WRITE_MODE_NOT_IMPLEMENTED" in out and "scd3" in out


def test_invalid_input_exits_2_without_traceback(tmp_path, capsys):
    root = write_project(tmp_path / "p", {"x": csv_contract(source={"type": "csvv", "path": "s3://b/x/"})})
    assert main(["plan", str(root)]) == 2
    err = capsys.readouterr().err
    assert (
        "x.ingestion.yaml:" in err
        and "source.type: unknown source type 'csvv'" in err
        and "Traceback" not in err
    )


def test_missing_project_exits_2(tmp_path, capsys):
    assert main(["plan", str(tmp_path)]) == 2
    assert "project.yaml" in capsys.readouterr().err
