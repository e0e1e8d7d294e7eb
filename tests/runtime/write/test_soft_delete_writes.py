"""`snapshot_reconcile_soft_delete` on a real local Spark + Iceberg session."""

from __future__ import annotations

import pytest
from contractforge_runtime.write import writes
from contractforge_runtime.write.iceberg_tables import current_snapshot
from contractforge_runtime.write.soft_delete import SnapshotDeleteGuardError

pytestmark = pytest.mark.slow

DB = "cf_test_soft_delete"
COLUMNS = "id INT, name STRING, city STRING"
WRITE = {"mode": "snapshot_soft_delete", "merge_keys": ["id"]}


def _fresh(spark, table: str) -> dict:
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS glue_catalog.{DB}")
    spark.sql(f"DROP TABLE IF EXISTS glue_catalog.{DB}.{table}")
    return {"identifier": f"glue_catalog.{DB}.{table}", "partition_by": [], "table_properties": {}}


def _write(spark, rows, target: dict, write: dict = WRITE) -> writes.WriteResult:
    df = spark.createDataFrame(rows, COLUMNS)
    writes.check_merge_keys(df, write, target["identifier"])
    ready, _ = writes.prepare_for_write(df, write)
    writes.ensure_target(spark, target["identifier"], ready.schema, target)
    return writes.write(ready, write, target)


def _table(spark, target) -> dict:
    rows = spark.table(target["identifier"]).collect()
    return {r.id: (r.city, r.is_active, r.deleted_at is not None) for r in rows}


def test_snapshot_inserts_updates_soft_deletes_and_reactivates(spark):
    target = _fresh(spark, "customers")
    first = _write(spark, [(1, "Ann", "Oslo"), (2, "Bob", "Rome"), (3, "Cy", "Nice")], target)
    assert (first.rows_inserted, first.rows_written) == (3, 3)

    second = _write(spark, [(1, "Ann", "Bergen"), (2, "Bob", "Rome"), (4, "Di", "Lyon")], target)
    assert (second.rows_inserted, second.rows_updated, second.rows_deleted) == (1, 1, 1)
    assert second.operation_metrics["rows_unchanged"] == 1
    assert _table(spark, target) == {
        1: ("Bergen", True, False),
        2: ("Rome", True, False),
        3: ("Nice", False, True),
        4: ("Lyon", True, False),
    }

    head = current_snapshot(spark, target["identifier"])["snapshot_id"]
    same = _write(spark, [(1, "Ann", "Bergen"), (2, "Bob", "Rome"), (4, "Di", "Lyon")], target)
    assert (same.status, same.skip_reason, same.committed) == ("SKIPPED", "no_snapshot_changes", False)
    assert same.operation_metrics["rows_unchanged"] == 3
    assert current_snapshot(spark, target["identifier"])["snapshot_id"] == head

    back = _write(
        spark, [(1, "Ann", "Bergen"), (2, "Bob", "Rome"), (3, "Cy", "Nice"), (4, "Di", "Lyon")], target
    )
    assert (back.rows_inserted, back.rows_updated, back.rows_deleted) == (0, 0, 0)
    assert back.operation_metrics["rows_reactivated"] == 1
    assert _table(spark, target)[3] == ("Nice", True, False)


def test_empty_snapshot_never_deactivates_the_table_without_a_threshold(spark):
    target = _fresh(spark, "guarded")
    _write(spark, [(1, "Ann", "Oslo"), (2, "Bob", "Rome")], target)
    head = current_snapshot(spark, target["identifier"])["snapshot_id"]
    with pytest.raises(
        SnapshotDeleteGuardError, match=r"2 of 2 active row\(s\) \(100%\).*max_delete_ratio 0.5"
    ):
        _write(spark, [], target)
    assert current_snapshot(spark, target["identifier"])["snapshot_id"] == head
    allowed = _write(spark, [], target, {**WRITE, "max_delete_ratio": 1.0})
    assert allowed.rows_deleted == 2
    assert {v[1] for v in _table(spark, target).values()} == {False}
