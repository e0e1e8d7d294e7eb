"""Backlogs catch up: pending files that change one key several times apply in order on the first
run after the gap (upsert and hash diff), by file order or by a declared sequence column; the same
key twice in one file still fails, naming the key and the file."""

from __future__ import annotations

import os

import pytest
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.run import run_plan
from contractforge_runtime.write.key_check import KeyGuardError

from tests.runtime.plan_factory import run_plan as make_plan
from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow
HEADER = "order_id,status,amount,updated_at\n"
MODES = {
    "scd1_upsert": {"mode": "scd1_upsert", "merge_keys": ["order_id"]},
    "scd1_hash_diff": {
        "mode": "scd1_hash_diff",
        "merge_keys": ["order_id"],
        "hash_keys": ["status", "amount"],
    },
}


def _plan(db: str, mode: str, **write) -> dict:
    source = {"type": "incremental_files", "family": "incremental_files", "format": "csv",
              "path": "s3://cf-test-bucket/landing/orders/", "options": {"header": "true"}, "read": {},
              "bookmarks": True}  # fmt: skip
    preparation = {"cast": {"order_id": "BIGINT", "amount": "DOUBLE", "updated_at": "BIGINT"}}
    return make_plan("orders", db, "b_orders", source=source, write={**MODES[mode], **write},
                     preparation=preparation)  # fmt: skip


def _land(root, name: str, rows: str, mtime: int) -> None:
    landing = root / "s3" / "cf-test-bucket" / "landing" / "orders"
    landing.mkdir(parents=True, exist_ok=True)
    path = landing / name
    path.write_text(HEADER + rows)
    os.utime(path, (mtime, mtime))


def _run(spark, plan, tmp_path):
    return run_plan(spark, plan, RunContext.local("orders", s3_root=str(tmp_path / "s3")))


def _target(spark, db: str) -> dict:
    rows = spark.table(f"glue_catalog.{db}.b_orders").collect()
    return {r.order_id: (r.status, r.amount) for r in rows}


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("pending", [2, 3])
def test_pending_files_with_overlapping_keys_apply_in_order(spark, tmp_path, mode, pending):
    db = f"cf_test_backlog_{mode}_{pending}"
    drop_databases(spark, db, f"{db}_ops")
    _land(tmp_path, "orders_0001.csv", "1,new,10,1\n2,new,20,1\n", 1_700_000_000)
    assert _run(spark, _plan(db, mode), tmp_path).status == "SUCCESS"
    # missed runs: the files pile up; order 1 changes in each, order 3 arrives and changes.
    # File names sort against their arrival (mtime): the arrival order decides.
    waves = ["1,paid,11,2\n3,new,30,2\n", "1,shipped,12,3\n3,paid,31,3\n", "1,closed,13,4\n2,paid,21,4\n"]
    for index, rows in enumerate(waves[:pending]):
        _land(tmp_path, f"orders_{9 - index:04d}.csv", rows, 1_700_000_100 + index * 100)
    result = _run(spark, _plan(db, mode), tmp_path)
    assert result.status == "SUCCESS", result.error
    expected = {
        2: {1: ("shipped", 12.0), 2: ("new", 20.0), 3: ("paid", 31.0)},
        3: {1: ("closed", 13.0), 2: ("paid", 21.0), 3: ("paid", 31.0)},
    }[pending]
    assert _target(spark, db) == expected
    superseded = {2: 2, 3: 3}[pending]  # rows of a key replaced by a later file in the same batch
    assert result.rows_read == len("".join(waves[:pending]).splitlines())
    assert result.rows_read - superseded == result.rows_inserted + result.rows_updated


def test_a_declared_sequence_column_orders_versions_across_and_within_files(spark, tmp_path):
    db = "cf_test_backlog_sequence"
    drop_databases(spark, db, f"{db}_ops")
    _land(tmp_path, "orders_0001.csv", "1,new,10,1\n", 1_700_000_000)
    plan = _plan(db, "scd1_upsert", sequence_by=["updated_at"])
    assert _run(spark, plan, tmp_path).status == "SUCCESS"
    # the later file carries the older change: the sequence column wins over the file order
    _land(tmp_path, "orders_0002.csv", "1,shipped,12,3\n1,paid,11,2\n", 1_700_000_100)
    _land(tmp_path, "orders_0003.csv", "1,late,9,0\n", 1_700_000_200)
    assert _run(spark, plan, tmp_path).status == "SUCCESS"
    assert _target(spark, db) == {1: ("shipped", 12.0)}


def test_the_same_key_twice_in_one_file_still_fails_naming_key_and_file(spark, tmp_path):
    db = "cf_test_backlog_true_duplicate"
    drop_databases(spark, db, f"{db}_ops")
    _land(tmp_path, "orders_0001.csv", "1,new,10,1\n", 1_700_000_000)
    _land(tmp_path, "orders_0002.csv", "1,paid,11,2\n1,paid,11,2\n", 1_700_000_100)
    with pytest.raises(KeyGuardError) as refused:
        _run(spark, _plan(db, "scd1_hash_diff"), tmp_path)
    message = str(refused.value)
    assert "duplicate merge_keys within one file" in message
    assert "order_id=1" in message and "orders_0002.csv" in message
    assert not spark.catalog.tableExists(f"glue_catalog.{db}.b_orders")  # nothing written
