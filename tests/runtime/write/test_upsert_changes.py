"""Upsert tells changed from unchanged rows: only differing rows are rewritten; nothing changed → no commit."""

from __future__ import annotations

import pytest
from contractforge_runtime.write import writes
from contractforge_runtime.write.iceberg_tables import current_snapshot

pytestmark = pytest.mark.slow

DB = "cf_test_upsert_changes"
COLUMNS = "id INT, name STRING, amount DOUBLE"


def _fresh(spark, table: str) -> dict:
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS glue_catalog.{DB}")
    spark.sql(f"DROP TABLE IF EXISTS glue_catalog.{DB}.{table}")
    return {"identifier": f"glue_catalog.{DB}.{table}", "partition_by": [], "table_properties": {}}


def _write(spark, rows, write: dict, target: dict) -> writes.WriteResult:
    df = spark.createDataFrame(rows, COLUMNS)
    check = writes.check_merge_keys(df, write, target["identifier"])
    classification = check.classification if check is not None else None
    ready, _ = writes.prepare_for_write(df, write)
    writes.ensure_target(spark, target["identifier"], ready.schema, target)
    return writes.write(ready, write, target, classification=classification)


def test_identical_extract_changes_nothing_and_only_differing_rows_are_rewritten(spark):
    target = _fresh(spark, "customers")
    write = {"mode": "scd1_upsert", "merge_keys": ["id"]}
    rows = [(1, "a", 1.0), (2, "b", 2.0), (3, "c", None)]
    _write(spark, rows, write, target)
    head = current_snapshot(spark, target["identifier"])["snapshot_id"]

    same = _write(spark, rows, write, target)
    assert (same.status, same.skip_reason, same.committed) == ("SKIPPED", "no_changes", False)
    assert (same.rows_updated, same.operation_metrics["rows_unchanged"]) == (0, 3)
    assert current_snapshot(spark, target["identifier"])["snapshot_id"] == head

    changed = _write(spark, [(1, "a", 1.0), (2, "b", 2.5), (3, "c", None), (4, "d", 4.0)], write, target)
    assert (changed.rows_inserted, changed.rows_updated, changed.operation_metrics["rows_unchanged"]) == (
        1,
        1,
        2,
    )
    summary = changed.operation_metrics["snapshot_summary"]
    assert int(summary["added-records"]) == 2  # merge-on-read: the changed row and the new row only


def test_declared_compare_columns_ignore_the_others(spark):
    target = _fresh(spark, "declared")
    write = {"mode": "scd1_upsert", "merge_keys": ["id"], "compare_columns": ["name"]}
    _write(spark, [(1, "a", 1.0)], write, target)
    result = _write(spark, [(1, "a", 9.0)], write, target)
    assert (result.status, result.operation_metrics["rows_unchanged"]) == ("SKIPPED", 1)
    assert spark.table(target["identifier"]).first().amount == 1.0
