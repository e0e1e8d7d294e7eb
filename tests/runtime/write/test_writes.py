"""Iceberg write modes on a real local session: logical counts, key guards, hash-diff skips."""

from __future__ import annotations

import pytest
from contractforge_runtime.write import writes
from contractforge_runtime.write.iceberg_tables import current_snapshot

pytestmark = pytest.mark.slow

DB = "cf_test_writes"
COLUMNS = "id INT, name STRING, amount DOUBLE"


def _target(table: str, **extra) -> dict:
    return {"identifier": f"glue_catalog.{DB}.{table}", "partition_by": [], "table_properties": {}, **extra}


def _fresh(spark, table: str) -> dict:
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS glue_catalog.{DB}")
    spark.sql(f"DROP TABLE IF EXISTS glue_catalog.{DB}.{table}")
    return _target(table)


def _write(spark, rows, write: dict, target: dict) -> writes.WriteResult:
    df = spark.createDataFrame(rows, COLUMNS)
    writes.check_merge_keys(df, write)
    ready, hash_columns = writes.prepare_for_write(df, write)
    writes.ensure_target(spark, target["identifier"], ready.schema, target)
    return writes.write(ready, write, target, hash_columns)


def _rows(spark, target) -> dict:
    return {r.id: (r.name, r.amount) for r in spark.table(target["identifier"]).collect()}


HASH = {
    "mode": "scd1_hash_diff",
    "merge_keys": ["id"],
    "hash_strategy": "explicit",
    "hash_keys": ["name", "amount"],
}


def test_hash_diff_counts_and_no_change_skip(spark):
    """Merge-on-read (default): one MERGE, counts from its commit, a metadata-only snapshot when
    nothing changed."""
    target = _fresh(spark, "hash_diff")
    first = _write(spark, [(1, "a", 1.0), (2, "b", 2.0), (3, "c", 3.0)], HASH, target)
    assert (first.status, first.rows_inserted, first.rows_updated, first.committed) == ("SUCCESS", 3, 0, True)
    props = dict(spark.sql(f"SHOW TBLPROPERTIES {target['identifier']}").collect())
    assert props["format-version"] == "2" and props["write.merge.mode"] == "merge-on-read"

    same = _write(spark, [(1, "a", 1.0), (2, "b", 2.0), (3, "c", 3.0)], HASH, target)
    assert (same.status, same.skip_reason, same.rows_written) == ("SKIPPED", "no_hash_changes", 0)
    assert same.operation_metrics["hash_diff_candidate_rows"] == 0
    assert same.operation_metrics["metadata_only_snapshot"] is True
    assert "added-records" not in same.operation_metrics["snapshot_summary"]

    changed = _write(spark, [(1, "a", 1.0), (2, "b2", 2.0), (4, "d", 4.0)], HASH, target)
    assert (changed.rows_inserted, changed.rows_updated, changed.rows_written) == (1, 1, 2)
    assert changed.operation_metrics["hash_diff_candidate_rows"] == 2
    assert changed.operation_metrics["counts_from"] == "snapshot_summary"
    assert changed.operation_metrics["hash_input_columns"] == ["name", "amount"]
    assert changed.operation_metrics["snapshot_operation"] == "overwrite"
    assert _rows(spark, target) == {1: ("a", 1.0), 2: ("b2", 2.0), 3: ("c", 3.0), 4: ("d", 4.0)}


def test_hash_diff_into_copy_on_write_skips_without_a_snapshot(spark):
    target = _fresh(spark, "hash_diff_cow")
    target["table_properties"] = {"write.merge.mode": "copy-on-write"}
    _write(spark, [(1, "a", 1.0), (2, "b", 2.0)], HASH, target)
    head = current_snapshot(spark, target["identifier"])["snapshot_id"]
    same = _write(spark, [(1, "a", 1.0), (2, "b", 2.0)], HASH, target)
    assert (same.status, same.skip_reason, same.committed) == ("SKIPPED", "no_hash_changes", False)
    assert current_snapshot(spark, target["identifier"])["snapshot_id"] == head
    changed = _write(spark, [(1, "a", 1.0), (2, "b2", 2.0), (4, "d", 4.0)], HASH, target)
    assert (changed.rows_inserted, changed.rows_updated) == (1, 1)
    assert "counts_from" not in changed.operation_metrics


def test_hash_diff_updates_a_target_row_without_a_hash(spark):
    """A target row whose row_hash is NULL (e.g. the column was added later) is an update."""
    target = _fresh(spark, "hash_diff_null_hash")
    _write(spark, [(1, "a", 1.0), (2, "b", 2.0)], HASH, target)
    spark.sql(f"UPDATE {target['identifier']} SET row_hash = NULL WHERE id = 1")
    result = _write(spark, [(1, "a", 1.0), (2, "b", 2.0)], HASH, target)
    assert (result.status, result.rows_inserted, result.rows_updated) == ("SUCCESS", 0, 1)


def test_upsert_is_one_merge_with_logical_counts(spark):
    target = _fresh(spark, "upsert")
    write = {"mode": "scd1_upsert", "merge_keys": ["id"]}
    _write(spark, [(1, "a", 1.0), (2, "b", 2.0)], write, target)
    before = spark.sql(f"SELECT count(*) FROM {target['identifier']}.snapshots").first()[0]
    result = _write(spark, [(2, "b", 9.0), (3, "c", 3.0)], write, target)
    assert (result.rows_inserted, result.rows_updated, result.rows_written) == (1, 1, 2)
    assert spark.sql(f"SELECT count(*) FROM {target['identifier']}.snapshots").first()[0] == before + 1
    assert _rows(spark, target) == {1: ("a", 1.0), 2: ("b", 9.0), 3: ("c", 3.0)}


def test_append_and_overwrite(spark):
    target = _fresh(spark, "append_overwrite")
    _write(spark, [(1, "a", 1.0)], {"mode": "scd0_append"}, target)
    appended = _write(spark, [(2, "b", 2.0)], {"mode": "scd0_append"}, target)
    assert appended.rows_inserted == 1 and len(_rows(spark, target)) == 2
    replaced = _write(spark, [(9, "z", 9.0)], {"mode": "scd0_overwrite"}, target)
    assert (replaced.rows_written, replaced.rows_deleted) == (1, 2)
    assert _rows(spark, target) == {9: ("z", 9.0)}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(1, "a", 1.0), (1, "b", 2.0)], "duplicate merge_keys: ['id']"),
        ([(None, "a", 1.0), (2, "b", 2.0)], "null merge_keys: ['id']"),
    ],
)
def test_key_guards_name_the_keys(spark, rows, message):
    df = spark.createDataFrame(rows, COLUMNS)
    with pytest.raises(writes.KeyGuardError, match=message.replace("[", r"\[").replace("]", r"\]")):
        writes.check_merge_keys(df, HASH)


def test_created_table_follows_plan_layout(spark):
    target = _fresh(spark, "layout")
    target.update(
        partition_by=["name"], table_properties={"write.merge.mode": "copy-on-write", "format-version": "2"}
    )
    _write(spark, [(1, "a", 1.0)], {"mode": "scd0_append"}, target)
    props = dict(spark.sql(f"SHOW TBLPROPERTIES {target['identifier']}").collect())
    assert props["write.merge.mode"] == "copy-on-write" and props["write.update.mode"] == "merge-on-read"
    partitions = spark.sql(f"SELECT * FROM {target['identifier']}.partitions").collect()
    assert [p.partition.name for p in partitions] == ["a"]
    nullable = {f.name: f.nullable for f in spark.table(target["identifier"]).schema.fields}
    assert all(nullable.values())


def test_snapshot_from_metadata_matches_the_metadata_tables(spark):
    from contractforge_runtime.write.iceberg_tables import _current_snapshot_sql

    target = _fresh(spark, "snapshots")
    writes.ensure_target(spark, target["identifier"], spark.createDataFrame([], COLUMNS).schema, target)
    assert current_snapshot(spark, target["identifier"]) is None  # created, nothing committed yet
    _write(spark, [(1, "a", 1.0)], {"mode": "scd0_append"}, target)
    fast, sql = (
        current_snapshot(spark, target["identifier"]),
        _current_snapshot_sql(spark, target["identifier"]),
    )
    assert fast["snapshot_id"] == sql["snapshot_id"] and fast["operation"] == sql["operation"] == "append"
    assert fast["summary"]["added-records"] == sql["summary"]["added-records"] == "1"
