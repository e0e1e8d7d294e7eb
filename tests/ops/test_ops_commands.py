"""The ops commands end to end: a real example project, planned by the compiler, run against moto."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from contractforge.api import plan_project
from contractforge.cli import run_aws
from contractforge.cli.main import build_parser, main
from contractforge.errors import ContractForgeError
from contractforge.ops.aws import AwsSession
from ops_plans import create_jobs

pytestmark = pytest.mark.aws

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "orders-medallion")


@pytest.fixture
def applied(moto):
    """The example project after `terraform apply`: its Glue jobs exist in moto."""
    plan = plan_project(EXAMPLE)
    create_jobs(boto3.client("glue", region_name=moto.region, endpoint_url=moto.endpoint_url), plan)
    return plan


def _run_args(moto, *extra: str) -> argparse.Namespace:
    """The arguments of ``contractforge run EXAMPLE …`` as the real CLI parser reads them."""
    return build_parser().parse_args(
        ["run", EXAMPLE, "--endpoint-url", moto.endpoint_url, "--poll-interval-seconds", "0.01", *extra]
    )


def _athena_queries(moto) -> list[str]:
    return moto.athena_queries(
        boto3.client("athena", region_name=moto.region, endpoint_url=moto.endpoint_url)
    )


def test_run_waits_records_cost_and_prints_json(moto, applied, capsys):
    moto.set_glue_transition("manual", times=1)

    code = run_aws.execute(_run_args(moto, "--wait", "--record-cost", "--json"))

    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [s["step"] for s in out["steps"]] == ["bronze_orders", "silver_orders", "gold_daily_revenue"]
    assert {s["result"] for s in out["steps"]} == {"SUCCESS"}
    assert [c["status"] for c in out["cost"]] == ["RECORDED"] * 3
    inserts = [q for q in _athena_queries(moto) if q.startswith("INSERT INTO")]
    assert len(inserts) == 1 and '"shop_orders_ops".ctrl_ingestion_cost' in inserts[0]


def test_run_rejects_steps_with_orchestration_and_cost_without_wait(moto, applied):
    with pytest.raises(ContractForgeError) as caught:
        run_aws.execute(_run_args(moto, "--orchestration", "--steps", "bronze_orders", "--record-cost"))
    text = caught.value.render()
    assert caught.value.exit_code == 2
    assert "--orchestration" in text and "--record-cost needs --wait" in text


def test_missing_job_exits_2_with_a_terraform_hint(moto, applied, capsys):
    glue = boto3.client("glue", region_name=moto.region, endpoint_url=moto.endpoint_url)
    glue.delete_job(JobName="orders_medallion-silver_orders")

    code = main(["record-cost", EXAMPLE, "--endpoint-url", moto.endpoint_url, "--steps", "silver_orders"])

    assert code == 2
    assert "terraform apply" in capsys.readouterr().err


def test_record_cost_command_is_idempotent_per_run(moto, applied, capsys):
    glue = boto3.client("glue", region_name=moto.region, endpoint_url=moto.endpoint_url)
    run_id = glue.start_job_run(JobName="orders_medallion-bronze_orders")["JobRunId"]

    assert (
        main(
            [
                "record-cost",
                EXAMPLE,
                "--endpoint-url",
                moto.endpoint_url,
                "--run-id",
                f"orders_medallion-bronze_orders:{run_id}",
                "--json",
            ]
        )
        == 0
    )
    first = json.loads(capsys.readouterr().out)["results"]
    moto.inject_athena_results(
        [("run_id", "varchar"), ("target_table", "varchar"), ("signal_name", "varchar")],
        [
            [first[0]["run_id"], "glue_catalog.shop_orders_bronze.b_orders", name]
            for name in ("glue_dpu_seconds", "glue_billed_dpu_seconds")
        ],
    )
    assert (
        main(["record-cost", EXAMPLE, "--endpoint-url", moto.endpoint_url, "--run-id", run_id, "--json"]) == 0
    )
    second = json.loads(capsys.readouterr().out)["results"]

    assert first[0]["status"] == "RECORDED" and second[0]["status"] == "ALREADY_RECORDED"
    assert first[0]["run_id"] == f"orders_medallion-bronze_orders:{run_id}"
    assert first[0]["signals"] == {"glue_dpu_seconds": 246.0, "glue_billed_dpu_seconds": 246.0}
    assert len([q for q in _athena_queries(moto) if q.startswith("INSERT")]) == 1


def test_evidence_ensure_creates_missing_tables_and_adds_missing_columns(moto, capsys):
    glue = boto3.client("glue", region_name=moto.region, endpoint_url=moto.endpoint_url)
    glue.create_database(DatabaseInput={"Name": "shop_orders_ops"})
    glue.create_table(
        DatabaseName="shop_orders_ops",
        TableInput={
            "Name": "ctrl_ingestion_cost",
            "StorageDescriptor": {
                "Columns": [{"Name": "run_id", "Type": "string"}, {"Name": "target_table", "Type": "string"}]
            },
        },
    )

    assert main(["evidence", "ensure", EXAMPLE, "--endpoint-url", moto.endpoint_url, "--json"]) == 0

    tables = {t["table"]: t for t in json.loads(capsys.readouterr().out)["tables"]}
    assert tables["ctrl_ingestion_cost"]["action"] == "COLUMNS_ADDED"
    assert tables["ctrl_ingestion_cost"]["statement"] == (
        "ALTER TABLE shop_orders_ops.ctrl_ingestion_cost ADD COLUMNS "
        "(signal_name STRING, signal_value DOUBLE, payload_json STRING, captured_at_utc TIMESTAMP)"
    )
    assert tables["ctrl_ingestion_runs"]["action"] == "CREATED"
    sent = _athena_queries(moto)
    assert sent[0] == "CREATE DATABASE IF NOT EXISTS shop_orders_ops"
    runs_ddl = next(q for q in sent if "shop_orders_ops.ctrl_ingestion_runs" in q)
    assert "PARTITIONED BY (run_date)" in runs_ddl and "'table_type'='ICEBERG'" in runs_ddl
    assert (
        "LOCATION 's3://orders-medallion-lake-us-east-1/warehouse/shop_orders_ops.db/ctrl_ingestion_runs/'"
        in runs_ddl
    )


def test_retention_is_a_dry_run_unless_executed(moto, capsys):
    assert (
        main(["maintenance", "retention", EXAMPLE, "--days", "30", "--endpoint-url", moto.endpoint_url]) == 0
    )
    assert "dry run" in capsys.readouterr().out
    assert not [q for q in _athena_queries(moto) if q.startswith("DELETE")]

    moto.inject_athena_results([("rows_to_delete", "bigint")], [[0]])  # ctrl_ingestion_deployment_versions
    moto.inject_athena_results([("rows_to_delete", "bigint")], [[3]])  # ctrl_ingestion_errors
    moto.inject_athena_results([("rows_to_delete", "bigint")], [[12]])  # ctrl_ingestion_runs
    assert (
        main(
            [
                "maintenance",
                "retention",
                EXAMPLE,
                "--days",
                "30",
                "--execute",
                "--json",
                "--endpoint-url",
                moto.endpoint_url,
            ]
        )
        == 0
    )
    results = {r["table"]: r for r in json.loads(capsys.readouterr().out)["tables"]}
    assert {t: r["action"] for t, r in results.items()} == {
        "ctrl_ingestion_deployment_versions": "NOTHING_TO_DELETE",
        "ctrl_ingestion_errors": "DELETED",
        "ctrl_ingestion_runs": "DELETED",
    }
    deletes = [q for q in _athena_queries(moto) if q.startswith("DELETE")]
    assert len(deletes) == 2
    assert any('"shop_orders_ops".ctrl_ingestion_runs WHERE run_date < DATE' in q for q in deletes)


def test_cost_report_prices_dpu_hours_per_target(moto, capsys):
    moto.inject_athena_results(
        [
            ("target_table", "varchar"),
            ("runs", "bigint"),
            ("rows_written", "bigint"),
            ("dpu_seconds", "double"),
            ("billed_dpu_seconds", "double"),
        ],
        [["glue_catalog.shop_orders_bronze.b_orders", 4, 2_000_000, 900.0, 3600.0]],
    )
    assert (
        main(
            [
                "maintenance",
                "cost-report",
                EXAMPLE,
                "--dpu-hour-usd",
                "0.44",
                "--json",
                "--endpoint-url",
                moto.endpoint_url,
            ]
        )
        == 0
    )
    row = json.loads(capsys.readouterr().out)["targets"][0]
    assert row["estimated_cost_usd"] == pytest.approx(0.44)
    assert row["cost_per_million_rows_usd"] == pytest.approx(0.22)


def test_audit_command_exits_1_with_violations(moto, capsys):
    code = main(["audit", EXAMPLE, "--endpoint-url", moto.endpoint_url, "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {v["check"] for v in report["violations"]} == {"freshness"}  # nothing ran: SLAs breached
    assert code == 1 and main(["audit", EXAMPLE, "--endpoint-url", moto.endpoint_url, "--no-freshness"]) == 0


def test_sql_command_prints_the_athena_text(capsys):
    assert main(["sql", "orphan_cost_rows"]) == 0
    assert "{db}.ctrl_ingestion_cost" in capsys.readouterr().out
    assert main(["sql", "nope"]) == 2


def test_cleanup_plan_lists_and_never_deletes(capsys):
    assert main(["cleanup-plan", EXAMPLE, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["destructive"] is False
    kinds = {(r["kind"], r["name"]) for r in payload["resources"]}
    assert ("glue_job", "orders_medallion-gold_daily_revenue") in kinds
    assert ("glue_database", "shop_orders_ops") in kinds


def test_missing_credentials_are_an_operator_error(moto, monkeypatch, capsys, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    assert main(["record-cost", EXAMPLE, "--endpoint-url", moto.endpoint_url]) == 2
    err = capsys.readouterr().err
    assert "no AWS credentials found" in err and "Traceback" not in err


def test_access_denied_is_translated(moto):
    session = AwsSession(moto.region, endpoint_url=moto.endpoint_url)
    with Stubber(session.client("glue")) as stub:  # AWS answering "denied"; the translation is under test
        stub.add_client_error(
            "get_job_run",
            service_error_code="AccessDeniedException",
            service_message="User is not authorized to perform: glue:GetJobRun",
        )
        with pytest.raises(ContractForgeError) as caught:
            session.call("glue", "get_job_run", JobName="j", RunId="r")
    assert caught.value.exit_code == 1
    assert "access denied (AccessDeniedException)" in caught.value.render()
    assert "glue.GetJobRun" in caught.value.render()


def test_evidence_ensure_leaves_complete_tables_alone(moto, capsys):
    from contractforge_runtime.evidence.schema import evidence_table

    glue = boto3.client("glue", region_name=moto.region, endpoint_url=moto.endpoint_url)
    glue.create_database(DatabaseInput={"Name": "shop_orders_ops"})
    table = evidence_table("ctrl_ingestion_runs")
    glue.create_table(
        DatabaseName="shop_orders_ops",
        TableInput={
            "Name": table.name,
            "StorageDescriptor": {
                "Columns": [
                    {"Name": c.name, "Type": c.type.lower()} for c in table.columns if c.name != "run_date"
                ]
            },
            "PartitionKeys": [{"Name": "run_date", "Type": "date"}],
        },
    )

    assert main(["evidence", "ensure", EXAMPLE, "--endpoint-url", moto.endpoint_url, "--json"]) == 0

    tables = {t["table"]: t for t in json.loads(capsys.readouterr().out)["tables"]}
    assert tables["ctrl_ingestion_runs"]["action"] == "UP_TO_DATE"
    assert not [q for q in _athena_queries(moto) if "ctrl_ingestion_runs" in q]


def test_athena_query_failures_are_operator_errors():
    from contractforge.ops.aws import translate_athena_error

    error = translate_athena_error(
        RuntimeError(
            "TABLE_NOT_FOUND: line 3:6: Table 'awsdatacatalog.x.ctrl_ingestion_locks' does not exist"
        ),
        '-- open_locks: …\nSELECT l.target_table FROM "x".ctrl_ingestion_locks l',
    )
    text = error.render()
    assert error.exit_code == 1
    assert "SELECT l.target_table" in text and "contractforge evidence ensure" in text


def test_run_reports_the_runs_even_when_cost_cannot_be_recorded(moto, applied, capsys):
    code = run_aws.execute(
        _run_args(moto, "--wait", "--record-cost", "--json", "--athena-workgroup", "missing")
    )

    captured = capsys.readouterr()
    assert code == 1
    assert {s["result"] for s in json.loads(captured.out)["steps"]} == {"SUCCESS"}
    assert "cost not recorded" in captured.err and "Traceback" not in captured.err
