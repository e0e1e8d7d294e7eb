"""Issue 4 acceptance through run.run_plan: schema_policy refusals/evolution, idempotency, locks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from contractforge_runtime.checks.schema_policy import SchemaPolicyError
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.evidence.store import EvidenceStore
from contractforge_runtime.reliability import locks
from contractforge_runtime.reliability.lock_store import Holder
from contractforge_runtime.run import run_plan

from tests.runtime.plan_factory import run_plan as make_plan

pytestmark = pytest.mark.slow


def _setup(spark, tmp_path, files: dict[str, str], policy="additive_only", run=None, cast=None):
    db = f"cf_pol_{uuid.uuid4().hex[:8]}"
    landing = tmp_path / "s3" / "cf-test-bucket" / "landing" / db
    landing.mkdir(parents=True)
    for name, text in files.items():
        (landing / name).write_text(text)
    plan = make_plan(
        "orders",
        db,
        "b_orders",
        source={
            "type": "csv",
            "family": "files",
            "format": "csv",
            "path": f"s3://cf-test-bucket/landing/{db}/",
            "options": {"header": "true", "inferSchema": "true"},
        },
        write={"schema_policy": policy},
        preparation={"cast": cast or {"order_id": "BIGINT", "amount": "DOUBLE"}},
    )
    plan["run"].update(run or {})
    return db, landing, plan


def _ctx(tmp_path):
    return RunContext.local("orders", s3_root=str(tmp_path / "s3"))


def _schema_changes(spark, db):
    return spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_schema_changes").collect()


def test_strict_refuses_a_new_source_column_before_writing(spark, tmp_path):
    db, landing, plan = _setup(spark, tmp_path, {"a.csv": "order_id,amount\n1,10.0\n"}, policy="strict")
    assert run_plan(spark, plan, _ctx(tmp_path)).status == "SUCCESS"
    (landing / "a.csv").write_text("order_id,amount,note\n2,5.0,new\n")
    with pytest.raises(SchemaPolicyError, match="strict"):
        run_plan(spark, plan, _ctx(tmp_path))
    assert spark.table(f"glue_catalog.{db}.b_orders").columns == ["order_id", "amount"]
    assert spark.table(f"glue_catalog.{db}.b_orders").count() == 1
    [change] = _schema_changes(spark, db)
    assert (change.change_type, change.column_name, change.applied) == ("ADD_COLUMN", "note", False)
    statuses = [r.status for r in spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_runs").collect()]
    assert sorted(statuses) == ["FAILED", "SUCCESS"]


def test_additive_only_adds_the_column_and_records_it(spark, tmp_path):
    db, landing, plan = _setup(spark, tmp_path, {"a.csv": "order_id,amount\n1,10.0\n"})
    run_plan(spark, plan, _ctx(tmp_path))
    (landing / "a.csv").write_text("order_id,amount,note\n2,5.0,new\n")
    second = run_plan(spark, plan, _ctx(tmp_path))
    assert second.status == "SUCCESS" and second.rows_written == 1
    table = spark.table(f"glue_catalog.{db}.b_orders")
    assert table.columns == ["order_id", "amount", "note"]
    assert sorted((r.order_id, r.note) for r in table.collect()) == [(1, None), (2, "new")]
    [change] = _schema_changes(spark, db)
    assert (change.change_type, change.column_name, change.applied) == ("ADD_COLUMN", "note", True)
    assert change.run_id == second.run_id


def test_a_narrowing_type_change_is_refused(spark, tmp_path):
    db, landing, plan = _setup(spark, tmp_path, {"a.csv": "order_id,amount\n1,10.0\n"})
    run_plan(spark, plan, _ctx(tmp_path))
    plan["preparation"]["cast"] = {"order_id": "INT", "amount": "DOUBLE"}
    with pytest.raises(SchemaPolicyError, match="narrowing"):
        run_plan(spark, plan, _ctx(tmp_path))
    [change] = _schema_changes(spark, db)
    assert (change.change_type, change.source_type, change.target_type, change.applied) == (
        "TYPE_CHANGE",
        "int",
        "bigint",
        False,
    )
    assert dict(spark.table(f"glue_catalog.{db}.b_orders").dtypes)["order_id"] == "bigint"


def test_skip_if_success_skips_the_second_run_with_the_same_key(spark, tmp_path):
    run = {"idempotency_policy": "skip_if_success", "idempotency_key": "2026-06-02"}
    db, _, plan = _setup(spark, tmp_path, {"a.csv": "order_id,amount\n1,10.0\n"}, run=run)
    first = run_plan(spark, plan, _ctx(tmp_path))
    second = run_plan(spark, plan, _ctx(tmp_path))
    assert first.status == "SUCCESS"
    assert (second.status, second.skip_reason, second.write_committed) == (
        "SKIPPED",
        "already_succeeded",
        False,
    )
    assert spark.table(f"glue_catalog.{db}.b_orders").count() == 1
    rows = {r.run_id: r for r in spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_runs").collect()}
    skipped = rows[second.run_id]
    assert (skipped.status, skipped.skipped_by_run_id, skipped.idempotency_key) == (
        "SKIPPED",
        first.run_id,
        "2026-06-02",
    )
    plan["run"]["idempotency_key"] = "2026-06-03"
    assert run_plan(spark, plan, _ctx(tmp_path)).status == "SUCCESS"
    plan["run"]["idempotency_policy"] = "fail_if_success"
    with pytest.raises(Exception, match="already succeeded"):
        run_plan(spark, plan, _ctx(tmp_path))


def test_a_held_lock_blocks_the_run_and_an_expired_one_is_taken_over(spark, tmp_path):
    db, _, plan = _setup(spark, tmp_path, {"a.csv": "order_id,amount\n1,10.0\n"})
    evidence = EvidenceStore(spark, plan["evidence"]["database"])
    target = plan["target"]["identifier"]
    store = locks.store_for_run(spark, plan, _ctx(tmp_path))  # the local SQLite store beside the warehouse
    holder = locks.acquire(
        store, target, Holder("other-writer", host="elsewhere", pid=1, job_name="backfill")
    )
    with pytest.raises(locks.LockHeld, match=r"locked by run other-writer \(pid 1 on host elsewhere\)"):
        run_plan(spark, plan, _ctx(tmp_path))
    assert not spark.catalog.tableExists(target)
    holder.release()

    past = (datetime.now(UTC) - timedelta(hours=2)).timestamp()
    crashed = Holder("crashed-writer", host="elsewhere", pid=1)
    locks.acquire(store, target, crashed, ttl_minutes=10, now=lambda: past)  # never released
    result = run_plan(spark, plan, _ctx(tmp_path))
    assert result.status == "SUCCESS" and spark.table(target).count() == 1
    lock_rows = {(r.run_id, r.status) for r in evidence.read("ctrl_ingestion_locks").collect()}
    assert {
        ("crashed-writer", "EXPIRED"),
        (result.run_id, "ACQUIRED"),
        (result.run_id, "RELEASED"),
    } <= lock_rows
    assert store.get(target) is None
