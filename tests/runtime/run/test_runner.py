"""run_plan end to end on a real local session: incremental files, quarantine, skips, failure evidence."""

from __future__ import annotations

import shutil

import pytest
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.run import run_plan

from tests.runtime.plan_factory import run_plan as make_plan
from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow

ORDERS = "order_id,customer_id,amount,status\n"


def _orders_plan(db: str) -> dict:
    return make_plan(
        "orders",
        db,
        "b_orders",
        source={
            "type": "incremental_files",
            "family": "incremental_files",
            "format": "csv",
            "path": "s3://cf-test-bucket/landing/orders/",
            "options": {"header": "true", "inferSchema": "true"},
            "read": {},
            "bookmarks": True,
        },
        write={
            "mode": "scd1_hash_diff",
            "merge_keys": ["order_id"],
            "hash_keys": ["customer_id", "amount", "status"],
        },
        preparation={
            "cast": {"order_id": "BIGINT", "amount": "DOUBLE"},
            "standardize": {"status": {"trim": True, "lower": True}},
        },
        rules=[
            {
                "name": "order_id_not_null",
                "kind": "not_null",
                "columns": ["order_id"],
                "severity": "quarantine",
            },
            {"name": "positive", "kind": "expression", "expression": "amount >= 0", "severity": "quarantine"},
        ],
        on_quality_fail="quarantine",
    )


def _drop(spark, *databases):
    drop_databases(spark, *databases)


def test_incremental_hash_diff_with_quarantine_then_skip(spark, tmp_path):
    db = "cf_test_runner_orders"
    _drop(spark, db, f"{db}_ops")
    landing = tmp_path / "s3" / "cf-test-bucket" / "landing" / "orders"
    landing.mkdir(parents=True)
    (landing / "wave1.csv").write_text(ORDERS + "1,c1,10.0,PAID\n2,c2,-1.0,paid\n3,c3,5.0, paid \n")
    plan = _orders_plan(db)
    ctx = RunContext.local("orders", s3_root=str(tmp_path / "s3"))

    first = run_plan(spark, plan, ctx)
    assert (first.status, first.quality_status, first.rows_read, first.rows_written) == (
        "SUCCESS",
        "QUARANTINED",
        3,
        2,
    )
    assert first.rows_quarantined == 1 and first.write_committed
    assert spark.table(f"glue_catalog.{db}.b_orders").count() == 2
    quarantine = spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_quarantine").collect()
    assert len(quarantine) == 1 and quarantine[0].run_id == ctx.run_id

    again = run_plan(spark, plan, RunContext.local("orders", s3_root=str(tmp_path / "s3")))
    assert (again.status, again.skip_reason, again.rows_read) == ("SKIPPED", "no_new_input", 0)

    (landing / "wave2.csv").write_text(ORDERS + "1,c1,10.0,paid\n4,c4,1.0,paid\n")
    third = run_plan(spark, plan, RunContext.local("orders", s3_root=str(tmp_path / "s3")))
    assert (third.status, third.rows_inserted, third.rows_updated) == ("SUCCESS", 1, 0)

    runs = spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_runs").orderBy("started_at_utc").collect()
    assert [r.status for r in runs] == ["SUCCESS", "SKIPPED", "SUCCESS"]
    assert runs[0].schema_policy == "additive_only" and runs[0].framework_version
    assert runs[0].table_version_before is None and runs[0].table_version_after
    assert runs[2].table_version_before == runs[0].table_version_after
    assert '"read"' in runs[0].stage_durations_json


def test_missing_source_fails_with_evidence_and_no_target(spark, tmp_path):
    db = "cf_test_runner_missing"
    _drop(spark, db, f"{db}_ops")
    plan = make_plan(
        "missing",
        db,
        "b_missing",
        source={
            "type": "csv",
            "family": "files",
            "format": "csv",
            "path": "s3://cf-test-bucket/nothing/x.csv",
            "options": {},
        },
        write={},
    )
    ctx = RunContext.local("missing", s3_root=str(tmp_path / "s3"))
    with pytest.raises(Exception, match="source path does not exist: s3://cf-test-bucket/nothing/x.csv"):
        run_plan(spark, plan, ctx)
    errors = spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_errors").collect()
    assert (
        len(errors) == 1 and "SourceError" in errors[0].error_class and "Traceback" in errors[0].stack_trace
    )
    runs = spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_runs").collect()
    assert [(r.status, r.write_committed, r.rows_read) for r in runs] == [("FAILED", False, None)]
    assert not spark.catalog.tableExists(f"glue_catalog.{db}.b_missing")
    shutil.rmtree(tmp_path / "s3", ignore_errors=True)


def test_evidence_failure_never_hides_the_original_error(spark, tmp_path, monkeypatch, capsys):
    from contractforge_runtime.evidence.store import EvidenceStore
    from contractforge_runtime.sources import SourceError

    db = "cf_test_runner_evidence_down"
    _drop(spark, db, f"{db}_ops")
    plan = make_plan(
        "down",
        db,
        "b_down",
        source={
            "type": "csv",
            "family": "files",
            "format": "csv",
            "path": "s3://cf-test-bucket/none.csv",
            "options": {},
        },
        write={},
    )
    original_append = EvidenceStore.append

    def failing_append(self, table, rows):
        if table == "ctrl_ingestion_errors":
            raise RuntimeError("evidence store unavailable")
        return original_append(self, table, rows)

    monkeypatch.setattr(EvidenceStore, "append", failing_append)
    with pytest.raises(SourceError, match="source path does not exist"):
        run_plan(spark, plan, RunContext.local("down", s3_root=str(tmp_path / "s3")))
    assert "could not record failure evidence" in capsys.readouterr().err


def test_ledger_records_files_by_their_s3_uri(spark, tmp_path):
    db = "cf_test_runner_ledger"
    _drop(spark, db, f"{db}_ops")
    landing = tmp_path / "s3" / "cf-test-bucket" / "landing" / "orders"
    landing.mkdir(parents=True)
    (landing / "wave1.csv").write_text(ORDERS + "1,c1,10.0,paid\n")
    plan = _orders_plan(db).copy()
    plan["evidence"] = {"database": f"{db}_ops"}
    plan["target"] = {**plan["target"], "database": db, "identifier": f"glue_catalog.{db}.b_orders"}
    run_plan(spark, plan, RunContext.local("orders", s3_root=str(tmp_path / "s3")))
    files = spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_files").collect()
    assert [f.file_path for f in files] == ["s3://cf-test-bucket/landing/orders/wave1.csv"]
    moved = tmp_path / "elsewhere"
    (tmp_path / "s3").rename(moved)  # another --s3-root: the same objects are still not new
    again = run_plan(spark, plan, RunContext.local("orders", s3_root=str(moved)))
    assert (again.status, again.skip_reason) == ("SKIPPED", "no_new_input")
