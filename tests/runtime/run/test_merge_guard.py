"""Hash diff into a merge-on-read target: the key guard rides in the MERGE's source (write/merge_guard.py).

A clean batch is read once (no cache, no guard job) and counted like the counted path; a batch with a
NULL key or a key on several rows — whether that key is new, unchanged or changed — fails the MERGE's
job before any commit, and the counted guard then refuses it with its usual message.
"""

from __future__ import annotations

import json

import pytest
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.run import batch_paths, run_plan
from contractforge_runtime.write.key_check import KeyGuardError
from contractforge_runtime.write.merge_guard import KEYS_TRIPPED

from tests.runtime.plan_factory import run_plan as make_plan
from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow
HEADER = "order_id,status,amount\n"
WAVE1 = "1,new,10\n2,new,20\n3,new,30\n"
TRIPPED = "has merge keys to refuse"


def _plan(db: str, cast: bool = False) -> dict:
    source = {"type": "incremental_files", "family": "incremental_files", "format": "csv",
              "path": "s3://cf-test-bucket/landing/orders/", "options": {"header": "true"}, "read": {},
              "bookmarks": True}  # fmt: skip
    write = {"mode": "scd1_hash_diff", "merge_keys": ["order_id"], "hash_keys": ["status", "amount"]}
    preparation = {"cast": {"order_id": "BIGINT", "amount": "DOUBLE"}} if cast else {}
    return make_plan("orders", db, "b_orders", source=source, write=write, preparation=preparation)


def _land(tmp_path, name: str, rows: str) -> None:
    landing = tmp_path / "s3" / "cf-test-bucket" / "landing" / "orders"
    landing.mkdir(parents=True, exist_ok=True)
    (landing / name).write_text(HEADER + rows)


def _run(spark, plan, tmp_path):
    return run_plan(spark, plan, RunContext.local("orders", s3_root=str(tmp_path / "s3")))


def _snapshots(spark, db: str) -> list:
    return [
        r.snapshot_id
        for r in spark.sql(f"SELECT snapshot_id FROM glue_catalog.{db}.b_orders.snapshots").collect()
    ]


def _target(spark, db: str) -> dict:
    return {r.order_id: (r.status, r.amount) for r in spark.table(f"glue_catalog.{db}.b_orders").collect()}


def _last_run(spark, db: str):
    runs = spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_runs").orderBy("started_at_utc").collect()
    return runs[-1]


REFUSED = {
    "duplicate_new_key": (
        "1,new,10\n4,new,40\n4,paid,41\n",
        "hash_diff_upsert source contains duplicate merge_keys: ['order_id'] "
        "(1 key value(s) on several rows, e.g. order_id=4 (2 rows))",
    ),
    "duplicate_unchanged_key": (
        "1,new,10\n1,new,10\n3,paid,31\n",
        "hash_diff_upsert source contains duplicate merge_keys: ['order_id'] "
        "(1 key value(s) on several rows, e.g. order_id=1 (2 rows))",
    ),
    "duplicate_changed_key": (
        "1,new,10\n3,paid,31\n3,shipped,32\n",
        "hash_diff_upsert source contains duplicate merge_keys: ['order_id'] "
        "(1 key value(s) on several rows, e.g. order_id=3 (2 rows))",
    ),
    "null_key": (
        "1,new,10\n,new,99\n3,paid,31\n",
        "hash_diff_upsert source contains null merge_keys: ['order_id'] (1 row(s) with a NULL key)",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_keys_fail_the_merge_before_any_commit(spark, tmp_path, capsys, case):
    rows, message = REFUSED[case]
    db = f"cf_test_merge_guard_{case}"
    drop_databases(spark, db, f"{db}_ops")
    _land(tmp_path, "orders_0001.csv", WAVE1)
    assert _run(spark, _plan(db, cast=True), tmp_path).status == "SUCCESS"
    before, content = _snapshots(spark, db), _target(spark, db)
    capsys.readouterr()

    _land(tmp_path, "orders_0002.csv", rows)
    with pytest.raises(KeyGuardError) as refused:
        _run(spark, _plan(db, cast=True), tmp_path)
    assert str(refused.value) == message  # the counted guard's message, as without the bet
    assert TRIPPED in capsys.readouterr().err  # the MERGE's guard tripped first
    assert _snapshots(spark, db) == before and _target(spark, db) == content  # nothing committed
    failed = _last_run(spark, db)
    assert (failed.status, failed.write_committed, failed.rows_read) == ("FAILED", False, 3)


def test_clean_batch_counts_like_the_counted_path(spark, tmp_path, capsys, monkeypatch):
    waves = [WAVE1, "1,new,10\n2,paid,21\n4,new,40\n5,new,50\n", "1,new,10\n2,paid,21\n"]
    results = {}
    for bet in (True, False):
        db = f"cf_test_merge_guard_clean_{bet}".lower()
        drop_databases(spark, db, f"{db}_ops")
        if not bet:  # today's path: a cached batch, the counted guard, then the MERGE
            monkeypatch.setattr(batch_paths, "keys_in_merge", lambda run: False)
        for index, rows in enumerate(waves):
            _land(tmp_path / db, f"orders_{index:04d}.csv", rows)
            result = _run(spark, _plan(db, cast=True), tmp_path / db)
            assert result.status in ("SUCCESS", "SKIPPED"), result.error
            metrics = result.operation_metrics
            results.setdefault(bet, []).append(
                (
                    result.status,
                    result.skip_reason,
                    result.rows_read,
                    result.rows_inserted,
                    result.rows_updated,
                    metrics.get("hash_diff_unchanged_rows"),
                    metrics.get("metadata_only_snapshot"),
                )
            )
        results[bet].append(_target(spark, db))
        stages = json.loads(_last_run(spark, db).stage_durations_json)
        assert ("key_guards" in stages) is not bet  # the bet runs no guard job of its own
    assert TRIPPED not in capsys.readouterr().err
    assert results[True] == results[False]
    assert results[True][1] == ("SUCCESS", None, 4, 2, 1, 1, None)
    assert results[True][2][:2] == ("SKIPPED", "no_hash_changes") and results[True][2][6] is True


def test_a_failed_cast_with_clean_keys_is_quarantined_the_counted_way(spark, tmp_path, capsys):
    db = "cf_test_merge_guard_cast"
    drop_databases(spark, db, f"{db}_ops")
    _land(tmp_path, "orders_0001.csv", WAVE1)
    assert _run(spark, _plan(db, cast=True), tmp_path).status == "SUCCESS"
    _land(tmp_path, "orders_0002.csv", "1,new,10\n2,paid,abc\n4,new,40\n")
    result = _run(spark, _plan(db, cast=True), tmp_path)
    assert (result.status, result.rows_read, result.rows_quarantined) == ("SUCCESS", 3, 1)
    assert (result.rows_inserted, result.rows_updated) == (1, 0)
    assert "rows to quarantine" in capsys.readouterr().err


def test_guard_message_is_recognised(spark):
    from contractforge_runtime.write.merge_guard import keys_tripped

    assert keys_tripped(RuntimeError(f"Job aborted: {KEYS_TRIPPED}"))
    assert not keys_tripped(RuntimeError("another failure"))


def test_a_backlog_tie_is_refused_and_a_backlog_applies_in_order(spark, tmp_path, capsys):
    import os

    db = "cf_test_merge_guard_backlog"
    drop_databases(spark, db, f"{db}_ops")
    landing = tmp_path / "s3" / "cf-test-bucket" / "landing" / "orders"

    def land(name: str, rows: str, mtime: int) -> None:
        _land(tmp_path, name, rows)
        os.utime(landing / name, (mtime, mtime))

    land("orders_0001.csv", WAVE1, 1_700_000_000)
    assert _run(spark, _plan(db, cast=True), tmp_path).status == "SUCCESS"
    before, content = _snapshots(spark, db), _target(spark, db)
    capsys.readouterr()
    land("orders_0002.csv", "1,paid,11\n", 1_700_000_100)
    land("orders_0003.csv", "2,paid,21\n2,paid,21\n", 1_700_000_200)  # the same key twice in one file
    with pytest.raises(KeyGuardError, match=r"duplicate merge_keys within one file: \['order_id'\]"):
        _run(spark, _plan(db, cast=True), tmp_path)
    assert TRIPPED in capsys.readouterr().err
    assert _snapshots(spark, db) == before and _target(spark, db) == content

    land("orders_0003.csv", "1,shipped,12\n2,paid,21\n", 1_700_000_200)  # the file fixed
    result = _run(spark, _plan(db, cast=True), tmp_path)
    assert (result.status, result.rows_read, result.rows_inserted, result.rows_updated) == (
        "SUCCESS",
        3,
        0,
        2,
    )
    assert result.rows_read - 1 == result.rows_inserted + result.rows_updated  # one superseded version
    assert _target(spark, db) == {1: ("shipped", 12.0), 2: ("paid", 21.0), 3: ("new", 30.0)}
