"""audit --local: the same named queries, transpiled to Spark, over real local Iceberg evidence.

Evidence rows are appended with the runtime's own EvidenceStore into the local glue_catalog.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from contractforge.ops.audit import run_audit
from contractforge.ops.cost_recording import FinishedRun, record_cost
from contractforge.ops.local_evidence import local_backend
from ops_plans import make_plan, make_step

pytestmark = pytest.mark.slow

NOW = datetime(2026, 11, 22, 12, 0, 0)
T = datetime(2026, 11, 22, 10, 0, 0)


def _run_row(run_id, target, status, *, rows_read=100, quarantined=0, minutes=0, error=None, version="0.1.0"):
    ts = T + timedelta(minutes=minutes)
    return {
        "run_id": run_id,
        "run_ts_utc": ts,
        "run_date": ts.date(),
        "target_table": target,
        "status": status,
        "rows_read": rows_read,
        "rows_quarantined": quarantined,
        "started_at_utc": ts,
        "finished_at_utc": ts + timedelta(minutes=1),
        "quality_status": "QUARANTINED" if quarantined else "PASSED",
        "error_message": error,
        "framework_version": version,
    }


@pytest.fixture(scope="module")
def evidence(spark):
    from contractforge_runtime.evidence.store import EvidenceStore

    database = "cf_local_audit_ops"
    plan = make_plan(
        make_step("orders", freshness_sla_minutes=600),
        make_step("customers", freshness_sla_minutes=60),
        make_step("broken", expected_result="failed"),
    )
    orders, customers, broken = (s.target_identifier for s in plan.steps)
    store = EvidenceStore(spark, database)
    store.ensure()
    store.append(
        "ctrl_ingestion_runs",
        [
            _run_row("jo:jr_1", orders, "SUCCESS", quarantined=30),
            _run_row("jo:jr_2", orders, "FAILED", minutes=10, error="ValueError: boom"),
            _run_row("jb:jr_3", broken, "FAILED", minutes=20, error="expected", version="0.2.0"),
            _run_row("jc:jr_4", customers, "FAILED", minutes=30, error="no data"),
            _run_row("jo:jr_old", orders, "FAILED", minutes=-60 * 24 * 30),  # outside the window
        ],
    )
    store.append(
        "ctrl_ingestion_errors",
        [
            {
                "run_id": "jo:jr_2",
                "error_ts_utc": T,
                "error_date": T.date(),
                "target_table": orders,
                "error_type": "ValueError",
                "error_message": "boom",
                "stack_trace": "Traceback (most recent call last):\n  x",
            },
        ],
    )
    store.append(
        "ctrl_ingestion_quality",
        [
            {
                "run_id": "jo:jr_1",
                "target_table": orders,
                "rule_name": "amount_positive",
                "status": "FAILED",
                "severity": "quarantine",
                "failed_count": 30,
                "checked_at_utc": T,
            },
            {
                "run_id": "jo:jr_1",
                "target_table": orders,
                "rule_name": "id_not_null",
                "status": "PASSED",
                "severity": "abort",
                "failed_count": 0,
                "checked_at_utc": T,
            },
        ],
    )
    store.append(
        "ctrl_ingestion_quarantine",
        [
            {
                "run_id": "jo:jr_1",
                "target_table": orders,
                "rule_name": "amount_positive",
                "quarantined_at_utc": T,
            }
            for _ in range(3)
        ],
    )
    store.append(
        "ctrl_ingestion_cost",
        [
            {
                "run_id": "jo:jr_1",
                "target_table": orders,
                "signal_name": "glue_dpu_seconds",
                "signal_value": 246.0,
                "captured_at_utc": T,
            },
            {
                "run_id": "jz:jr_gone",
                "target_table": orders,
                "signal_name": "glue_dpu_seconds",
                "signal_value": 1.0,
                "captured_at_utc": T,
            },
        ],
    )
    store.append(
        "ctrl_ingestion_locks",
        [
            {
                "target_table": customers,
                "run_id": "jc:jr_4",
                "owner": "glue",
                "acquired_at_utc": T,
                "expires_at_utc": T + timedelta(minutes=60),
                "ttl_minutes": 60,
                "status": "ACQUIRED",
            },
            {
                "target_table": orders,
                "run_id": "jo:jr_1",
                "owner": "glue",
                "acquired_at_utc": T,
                "expires_at_utc": T + timedelta(minutes=60),
                "ttl_minutes": 60,
                "status": "ACQUIRED",
            },
            {
                "target_table": orders,
                "run_id": "jo:jr_1",
                "owner": "glue",
                "acquired_at_utc": T,
                "released_at_utc": T + timedelta(minutes=2),
                "status": "RELEASED",
            },
        ],
    )
    return plan, local_backend(spark, database)


def test_local_audit_runs_every_query_and_judges(evidence):
    plan, backend = evidence
    orders, customers, _ = (s.target_identifier for s in plan.steps)

    report = run_audit(backend, plan, since=timedelta(days=7), now=NOW)

    by_check: dict[str, list] = {}
    for violation in report.violations:
        by_check.setdefault(violation["check"], []).append(violation)
    assert sorted(v["run_id"] for v in by_check["failed_runs"]) == ["jc:jr_4", "jo:jr_2"]
    assert [v["target_table"] for v in by_check["quarantine_ratio"]] == [orders]
    assert by_check["quarantine_ratio"][0]["value"] == pytest.approx(30 / 200)  # jr_1 and jr_2 in the window
    assert by_check["orphan_cost_rows"][0]["value"] == 1
    assert [v["target_table"] for v in by_check["freshness"]] == [customers]
    assert [v["target_table"] for v in by_check["open_locks"]] == [customers]
    assert any("mixed framework versions" in w for w in report.warnings)
    assert report.checks["errors"][0]["stack_trace"].startswith("Traceback")
    assert [r["rule_name"] for r in report.checks["quality_failures"]] == ["amount_positive"]
    assert report.checks["quarantine_by_rule"][0]["quarantined_rows"] == 3
    assert [r["run_id"] for r in report.checks["cost_by_run"]] == ["jo:jr_1"]
    assert report.exit_code == 1
    assert report.as_dict()["status"] == "FAILED"


def test_cost_recording_is_idempotent_on_real_tables(evidence, spark):
    plan, backend = evidence
    step = plan.step("customers")
    job_run = {
        "Id": "jr_local",
        "JobName": step.glue.name,
        "JobRunState": "SUCCEEDED",
        "ExecutionTime": 30,
        "WorkerType": "G.1X",
        "NumberOfWorkers": 2,
    }

    first = record_cost(backend, [FinishedRun(step, job_run)], now=NOW)
    second = record_cost(backend, [FinishedRun(step, job_run)], now=NOW)

    assert [r["status"] for r in first + second] == ["RECORDED", "ALREADY_RECORDED"]
    rows = spark.sql(
        f"SELECT signal_name, signal_value FROM glue_catalog.{backend.database}.ctrl_ingestion_cost "
        f"WHERE run_id = '{step.glue.name}:jr_local' ORDER BY signal_name"
    ).collect()
    assert [(r.signal_name, r.signal_value) for r in rows] == [
        ("glue_billed_dpu_seconds", 120.0),
        ("glue_dpu_seconds", 60.0),
    ]


def test_local_cost_report_and_retention(evidence, spark):
    from datetime import date

    from contractforge.ops.maintenance import cost_report, run_retention

    plan, backend = evidence
    orders = plan.step("orders").target_identifier

    report = {
        r["target_table"]: r
        for r in cost_report(backend, plan, dpu_hour_usd=0.44, since=timedelta(days=7), now=NOW)
    }
    assert report[orders]["runs"] == 2 and report[orders]["dpu_seconds"] == 246.0

    dry = {r["table"]: r for r in run_retention(backend, 7, today=date(2026, 11, 22))}
    assert dry["ctrl_ingestion_runs"]["rows"] == 1 and dry["ctrl_ingestion_runs"]["action"] == "DRY_RUN"
    table = f"glue_catalog.{backend.database}.ctrl_ingestion_runs"
    assert spark.sql(f"SELECT count(*) FROM {table} WHERE run_id = 'jo:jr_old'").first()[0] == 1

    done = {r["table"]: r for r in run_retention(backend, 7, execute=True, today=date(2026, 11, 22))}
    assert done["ctrl_ingestion_runs"]["action"] == "DELETED"
    assert spark.sql(f"SELECT count(*) FROM {table} WHERE run_id = 'jo:jr_old'").first()[0] == 0
    assert spark.sql(f"SELECT count(*) FROM {table}").first()[0] == 4
