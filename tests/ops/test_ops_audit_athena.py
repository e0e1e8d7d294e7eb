"""audit over Athena (pyathena against moto with injected results) and the named SQL files."""

from __future__ import annotations

from datetime import datetime, timedelta

import boto3
import pytest
import sqlglot
from contractforge.ops import sql_catalog
from contractforge.ops.audit import AUDIT_QUERIES, AuditThresholds, parse_since, run_audit
from contractforge.ops.project import athena_settings
from contractforge.ops.sql_backends import AthenaBackend
from ops_plans import make_plan, make_step

NOW = datetime(2026, 11, 22, 12, 0, 0)


@pytest.mark.parametrize("name", sql_catalog.query_names())
def test_every_named_query_parses_as_trino_and_transpiles_to_spark(name):
    params = dict(
        since=NOW - timedelta(days=7), now=NOW, targets=["glue_catalog.db.t1", "glue_catalog.db.t2"]
    )
    athena_text = sql_catalog.render(name, "trino", "cf_ops", **params)
    parsed = sqlglot.parse(athena_text, read="trino")
    assert len(parsed) == 1 and parsed[0] is not None
    spark_text = sql_catalog.render(name, "spark", "cf_ops", **params)
    assert "glue_catalog.cf_ops.ctrl_ingestion_" in spark_text
    assert sqlglot.parse_one(spark_text, read="spark") is not None
    assert sql_catalog.description(name)


def test_durations():
    assert parse_since("7d") == timedelta(days=7)
    assert parse_since("36h") == timedelta(hours=36)
    with pytest.raises(Exception, match="invalid duration"):
        parse_since("a week")


@pytest.mark.aws
def test_audit_over_athena_judges_the_evidence(moto, aws_session):
    plan = make_plan(
        make_step("orders", freshness_sla_minutes=60),
        make_step("customers", freshness_sla_minutes=600),
        make_step("broken_on_purpose", expected_result="failed"),
    )
    orders, customers, broken = (s.target_identifier for s in plan.steps)
    injected = {
        "runs_by_status": (
            [("target_table", "varchar"), ("status", "varchar"), ("runs", "bigint")],
            [[orders, "SUCCESS", 3], [orders, "FAILED", 1], [broken, "FAILED", 1]],
        ),
        "failed_runs": (
            [("run_id", "varchar"), ("target_table", "varchar"), ("error_message", "varchar")],
            [["job:jr_1", orders, "boom\nmore"], ["job:jr_2", broken, "expected"]],
        ),
        "quarantine_ratio": (
            [("target_table", "varchar"), ("quarantine_ratio", "double")],
            [[orders, 0.25], [customers, 0.01]],
        ),
        "errors": ([("run_id", "varchar"), ("stack_trace", "varchar")], [["job:jr_1", "Traceback\n  line"]]),
        "orphan_cost_rows": ([("target_table", "varchar"), ("orphan_rows", "bigint")], [[orders, 2]]),
        "freshness": (
            [("target_table", "varchar"), ("last_success_at_utc", "timestamp")],
            [[orders, "2026-11-22 09:00:00.000"], [customers, "2026-11-22 11:00:00.000"]],
        ),
        "open_locks": (
            [("target_table", "varchar"), ("run_id", "varchar"), ("lock_state", "varchar")],
            [[customers, "job:jr_9", "EXPIRED"]],
        ),
        "framework_versions": (
            [("framework_version", "varchar"), ("runs", "bigint")],
            [["0.1.0", 4], ["0.2.0", 1]],
        ),
    }
    for name in AUDIT_QUERIES:  # results bind to queries in order
        columns, rows = injected.get(name, ([("nothing", "varchar")], []))
        moto.inject_athena_results(columns, rows)

    report = run_audit(
        AthenaBackend(aws_session, athena_settings(plan)), plan, since=timedelta(days=7), now=NOW
    )

    checks = {v["check"] for v in report.violations}
    assert checks == {"failed_runs", "freshness", "quarantine_ratio", "orphan_cost_rows", "open_locks"}
    assert [v["run_id"] for v in report.violations if v["check"] == "failed_runs"] == ["job:jr_1"]
    assert [v["target_table"] for v in report.violations if v["check"] == "freshness"] == [orders]
    assert any("mixed framework versions" in w for w in report.warnings)
    assert report.exit_code == 1
    assert report.checks["errors"][0]["stack_trace"].startswith("Traceback")
    assert "VIOLATION orphan_cost_rows" in report.text()

    athena = boto3.client("athena", region_name=moto.region, endpoint_url=moto.endpoint_url)
    sent = moto.athena_queries(athena)
    named, snapshots = sent[: len(AUDIT_QUERIES)], sent[len(AUDIT_QUERIES) :]
    assert all('"cf_ops_test_ops".ctrl_ingestion_' in q for q in named)
    # commits without evidence: each target's snapshots (none tagged here, so no runs look-up)
    assert len(snapshots) == len(plan.steps) and all("$snapshots" in q for q in snapshots)


@pytest.mark.aws
def test_audit_passes_on_clean_evidence_and_thresholds_are_configurable(moto, aws_session):
    plan = make_plan(make_step("orders"))
    for name in AUDIT_QUERIES:
        if name == "quarantine_ratio":
            moto.inject_athena_results(
                [("target_table", "varchar"), ("quarantine_ratio", "double")],
                [[plan.steps[0].target_identifier, 0.2]],
            )
        else:
            moto.inject_athena_results([("x", "varchar")], [])

    lenient = run_audit(
        AthenaBackend(aws_session, athena_settings(plan)),
        plan,
        now=NOW,
        thresholds=AuditThresholds(max_quarantine_ratio=0.5),
    )

    assert lenient.violations == [] and lenient.exit_code == 0
    assert lenient.as_dict()["status"] == "PASSED"
