"""run_plan with mode historical: quarantine before history, counts in ctrl_ingestion_runs, idempotent rerun."""

from __future__ import annotations

import json

import pytest
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.run import run_plan

from tests.runtime.plan_factory import run_plan as make_plan
from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow

HEADER = "customer_id,name,city,updated_at\n"


def _plan(db: str) -> dict:
    return make_plan(
        "customers_history",
        db,
        "s_customers_history",
        source={
            "type": "csv",
            "family": "files",
            "format": "csv",
            "path": "s3://cf-test-bucket/landing/customers/",
            "options": {"header": "true"},
        },
        write={
            "mode": "scd2_historical",
            "merge_keys": ["customer_id"],
            "scd2_effective_from_column": "updated_at",
        },
        preparation={"cast": {"customer_id": "INT", "updated_at": "TIMESTAMP"}},
        rules=[{"name": "city_known", "kind": "not_null", "columns": ["city"], "severity": "quarantine"}],
        on_quality_fail="quarantine",
    )


def test_history_run_quarantines_first_counts_changes_and_reruns_idempotently(spark, tmp_path):
    db = "cf_test_runner_history"
    drop_databases(spark, db, f"{db}_ops")
    landing = tmp_path / "s3" / "cf-test-bucket" / "landing" / "customers"
    landing.mkdir(parents=True)
    wave = landing / "customers.csv"
    wave.write_text(HEADER + "1,Ann,Oslo,2026-01-01 00:00:00\n2,Bob,Rome,2026-01-01 00:00:00\n")
    plan = _plan(db)

    def run():
        return run_plan(spark, plan, RunContext.local("customers_history", s3_root=str(tmp_path / "s3")))

    assert run().rows_inserted == 2
    wave.write_text(
        HEADER
        + "1,Ann,Bergen,2026-01-02 00:00:00\n2,Bob,Rome,2026-01-02 00:00:00\n3,Cy,,2026-01-02 00:00:00\n"
    )
    second = run()
    assert (second.status, second.rows_quarantined, second.rows_inserted, second.rows_updated) == (
        "SUCCESS",
        1,
        0,
        1,
    )
    table = spark.table(f"glue_catalog.{db}.s_customers_history")
    assert table.where("customer_id = 3").count() == 0  # quarantined before history was written
    assert [
        (r.city, r.is_current) for r in table.where("customer_id = 1").orderBy("valid_from").collect()
    ] == [
        ("Oslo", False),
        ("Bergen", True),
    ]

    rerun = run()
    assert (rerun.status, rerun.skip_reason, rerun.write_committed) == (
        "SKIPPED",
        "no_history_changes",
        False,
    )
    runs = spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_runs").orderBy("started_at_utc").collect()
    assert [(r.mode, r.rows_inserted, r.rows_updated, r.rows_deleted) for r in runs] == [
        ("scd2_historical", 2, 0, 0),
        ("scd2_historical", 0, 1, 0),
        ("scd2_historical", 0, 0, 0),
    ]
    assert json.loads(runs[2].operation_metrics_json)["rows_unchanged"] == 2
