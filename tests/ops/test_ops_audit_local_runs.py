"""audit --local on evidence produced by real local runs of the runtime (success, quarantine, failure)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from contractforge.api import plan_project
from contractforge.local.runner import run_project_locally
from contractforge.local.staging import put
from contractforge.ops.audit import AuditThresholds, run_audit
from contractforge.ops.local_evidence import local_backend

from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "orders-medallion"
LANDING = "s3://orders-medallion-lake-us-east-1/landing/orders/"


def _reset(spark, plan) -> None:
    drop_databases(spark, *{s.target_database for s in plan.steps}, plan.evidence_database)


def _run(spark, project, s3_root, steps=None) -> dict:
    outcomes = run_project_locally(project, s3_root=s3_root, spark=spark, out=io.StringIO(), steps=steps)
    return {o.name: o.status for o in outcomes}


def test_audit_local_after_two_bronze_waves_flags_quarantine_and_freshness(spark, tmp_path):
    plan = plan_project(EXAMPLE)
    _reset(spark, plan)
    s3_root = tmp_path / "s3"
    put(EXAMPLE / "data" / "orders" / "wave1", LANDING, s3_root)
    assert _run(spark, EXAMPLE, s3_root, ["bronze_orders"]) == {"bronze_orders": "SUCCESS"}
    put(EXAMPLE / "data" / "orders" / "wave2", LANDING, s3_root)  # 2 of 4 new rows are quarantined
    assert _run(spark, EXAMPLE, s3_root, ["bronze_orders"]) == {"bronze_orders": "SUCCESS"}
    backend = local_backend(spark, plan.evidence_database)

    strict = run_audit(backend, plan)
    lenient = run_audit(backend, plan, thresholds=AuditThresholds(max_quarantine_ratio=0.5))

    bronze = plan.step("bronze_orders").target_identifier
    silver = plan.step("silver_orders").target_identifier  # SLA 1440 min, never ran
    assert sorted((v["check"], v["target_table"]) for v in strict.violations) == [
        ("freshness", silver),
        ("quarantine_ratio", bronze),
    ]
    assert strict.exit_code == 1
    assert [(v["check"], v["target_table"]) for v in lenient.violations] == [("freshness", silver)]
    quarantine = {
        (r["target_table"], r["rule_name"]): r["quarantined_rows"]
        for r in strict.checks["quarantine_by_rule"]
    }
    assert sum(v for (target, _), v in quarantine.items() if target == bronze) == 2
    statuses = {(r["target_table"], r["status"]): r["runs"] for r in strict.checks["runs_by_status"]}
    assert statuses[(bronze, "SUCCESS")] == 2
    assert {r["target_table"] for r in strict.checks["freshness"] if r["last_success_at_utc"]} == {bronze}
    ratio = next(r for r in strict.checks["quarantine_ratio"] if r["target_table"] == bronze)
    assert (ratio["rows_quarantined"], ratio["rows_read"]) == (2, 9)


def test_audit_local_on_expected_failures_reports_errors_without_violations(
    spark, reference_projects, tmp_path
):
    project = reference_projects / "aws-failure-paths"
    plan = plan_project(project)
    _reset(spark, plan)
    s3_root = tmp_path / "s3"
    put(
        project / "data" / "orders",
        "s3://contractforge-aws-smoke-000000000000-us-east-1/data/aws-failure-paths/orders/",
        s3_root,
    )
    assert set(_run(spark, project, s3_root).values()) == {"EXPECTED_FAILURE"}

    report = run_audit(local_backend(spark, plan.evidence_database), plan)

    assert report.violations == []  # both steps declare expected_result: failed
    assert len(report.checks["failed_runs"]) == 2
    assert {r["target_table"] for r in report.checks["errors"]} == {s.target_identifier for s in plan.steps}
    assert all(r["stack_trace"] for r in report.checks["errors"])
    assert any(r["status"] == "FAILED" for r in report.checks["quality_failures"])
