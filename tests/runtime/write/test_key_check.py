"""Key guard + key classification (one aggregation) and the writes that reuse it, on real Iceberg.

The classification is the copy-on-write path (a merge-on-read target counts from the MERGE's commit,
tests/runtime/test_writes.py), so these targets are copy-on-write unless a test says otherwise.
"""

from __future__ import annotations

import pytest
from contractforge_runtime.write import key_check, writes
from contractforge_runtime.write.iceberg_tables import current_snapshot

pytestmark = pytest.mark.slow

DB = "cf_test_key_check"
COLUMNS = "id INT, name STRING, amount DOUBLE"
HASH = {
    "mode": "scd1_hash_diff",
    "merge_keys": ["id"],
    "hash_strategy": "explicit",
    "hash_keys": ["name", "amount"],
}
UPSERT = {"mode": "scd1_upsert", "merge_keys": ["id"]}
COW = {f"write.{op}.mode": "copy-on-write" for op in ("merge", "update", "delete")}


def _target(spark, table: str) -> dict:
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS glue_catalog.{DB}")
    spark.sql(f"DROP TABLE IF EXISTS glue_catalog.{DB}.{table}")
    return {"identifier": f"glue_catalog.{DB}.{table}", "partition_by": [], "table_properties": COW}


def _classified_write(spark, rows, write: dict, target: dict, narrow_first: bool = True):
    """What the runner does: guard + classify, narrow before hashing, write with the classification."""
    df = spark.createDataFrame(rows, COLUMNS)
    check = key_check.check_merge_keys(df, write, target["identifier"])
    classification = check.classification
    if classification is not None and classification.compared_hash and narrow_first:
        df = classification.changed_rows(df)
    ready, hash_columns = writes.prepare_for_write(df, write)
    writes.ensure_target(spark, target["identifier"], ready.schema, target)
    try:
        result = writes.write(
            ready, write, target, hash_columns, rows=check.rows, classification=classification
        )
    finally:
        if classification is not None:
            classification.release()
    return check, result


def _table(spark, target) -> dict:
    return {r.id: (r.name, r.amount) for r in spark.table(target["identifier"]).collect()}


def test_classified_hash_diff_waves(spark):
    target = _target(spark, "waves")
    first_check, first = _classified_write(spark, [(1, "a", 1.0), (2, "b", 2.0), (3, "c", 3.0)], HASH, target)
    assert first_check.classification is None  # no target yet: nothing to classify against
    assert (first.rows_inserted, first.rows_updated) == (3, 0)

    head = current_snapshot(spark, target["identifier"])["snapshot_id"]
    check, same = _classified_write(spark, [(1, "a", 1.0), (2, "b", 2.0), (3, "c", 3.0)], HASH, target)
    assert check.rows == 3 and check.classification.counts == {"insert": 0, "update": 0, "unchanged": 3}
    assert (same.status, same.skip_reason, same.committed) == ("SKIPPED", "no_hash_changes", False)
    assert current_snapshot(spark, target["identifier"])["snapshot_id"] == head

    check, changed = _classified_write(spark, [(1, "a", 1.0), (2, "b2", 2.0), (4, "d", 4.0)], HASH, target)
    assert check.classification.counts == {"insert": 1, "update": 1, "unchanged": 1}
    assert (changed.rows_inserted, changed.rows_updated, changed.rows_written) == (1, 1, 2)
    assert changed.operation_metrics["hash_diff_unchanged_rows"] == 1
    assert _table(spark, target) == {1: ("a", 1.0), 2: ("b2", 2.0), 3: ("c", 3.0), 4: ("d", 4.0)}


def test_merge_on_read_target_is_not_classified(spark):
    target = _target(spark, "mor")
    target["table_properties"] = {}
    _classified_write(spark, [(1, "a", 1.0), (2, "b", 2.0)], HASH, target)
    check, result = _classified_write(spark, [(1, "a", 1.0), (2, "b2", 2.0), (3, "c", 3.0)], HASH, target)
    assert check.rows == 3 and check.classification is None  # the guard read only the batch
    assert (result.rows_inserted, result.rows_updated) == (1, 1)
    # only the two changed rows were written (the unchanged one matched without an update)
    assert current_snapshot(spark, target["identifier"])["summary"]["added-records"] == "2"


def test_classified_hash_diff_into_copy_on_write(spark):
    target = _target(spark, "cow")
    _classified_write(spark, [(1, "a", 1.0), (2, "b", 2.0), (3, "c", 3.0)], HASH, target)
    _, result = _classified_write(spark, [(1, "a", 1.0), (2, "b2", 2.0), (4, "d", 4.0)], HASH, target)
    assert (result.rows_inserted, result.rows_updated) == (1, 1)
    assert _table(spark, target) == {1: ("a", 1.0), 2: ("b2", 2.0), 3: ("c", 3.0), 4: ("d", 4.0)}


def test_copy_on_write_merge_accepts_a_random_derived_column(spark):
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    target = _target(spark, "cow_uuid")
    for rows in ([(1, "a", 1.0), (2, "b", 2.0)], [(1, "a2", 1.0), (3, "c", 3.0)]):
        df = spark.createDataFrame(rows, COLUMNS).withColumn("batch_uuid", F.expr("uuid()"))
        df = df.persist(StorageLevel.MEMORY_AND_DISK)  # as the runner does
        ready, hash_columns = writes.prepare_for_write(df, HASH)
        writes.ensure_target(spark, target["identifier"], ready.schema, target)
        result = writes.write(ready, HASH, target, hash_columns)
        df.unpersist()
    assert (result.rows_inserted, result.rows_updated) == (1, 1)
    stored = {r.id: r for r in spark.table(target["identifier"]).collect()}
    assert sorted(stored) == [1, 2, 3] and stored[1].name == "a2"
    assert all(len(r.batch_uuid) == 36 for r in stored.values())


def test_write_narrows_even_when_the_caller_did_not(spark):
    target = _target(spark, "not_narrowed")
    _classified_write(spark, [(i, "x", float(i)) for i in range(10)], HASH, target)
    _, result = _classified_write(
        spark, [(i, "y" if i < 3 else "x", float(i)) for i in range(10)], HASH, target, narrow_first=False
    )
    assert (result.rows_updated, result.rows_inserted) == (3, 0)
    assert result.operation_metrics["hash_diff_candidate_rows"] == 3


def test_key_held_twice_by_the_target_counts_once(spark):
    target = _target(spark, "twice")
    spark.sql(f"CREATE TABLE {target['identifier']} (id INT, name STRING, amount DOUBLE) USING iceberg")
    spark.sql(f"INSERT INTO {target['identifier']} VALUES (1, 'a', 1.0), (1, 'a', 1.0), (2, 'b', 2.0)")
    df = spark.createDataFrame([(1, "a2", 1.0), (3, "c", 3.0)], COLUMNS)
    check = key_check.check_merge_keys(df, UPSERT, target["identifier"])
    try:
        assert check.rows == 2
        assert check.classification.counts == {"insert": 1, "update": 1, "unchanged": 0}
        assert sorted(r.id for r in check.classification.candidate_keys().collect()) == [1, 3]
    finally:
        check.classification.release()


def test_classified_upsert_counts(spark):
    target = _target(spark, "upsert")
    _classified_write(spark, [(1, "a", 1.0), (2, "b", 2.0)], UPSERT, target)
    check, result = _classified_write(spark, [(2, "b", 2.0), (3, "c", 3.0)], UPSERT, target)
    assert (
        check.classification.counts["insert"] == 1 and check.classification.compared_hash is True
    )  # upsert compares values now: unchanged rows told apart
    assert (result.rows_inserted, result.rows_updated, result.rows_written) == (
        1,
        0,
        1,
    )  # the re-sent unchanged row is not rewritten
    assert _table(spark, target) == {1: ("a", 1.0), 2: ("b", 2.0), 3: ("c", 3.0)}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(1, "a", 1.0), (1, "b", 2.0), (2, "c", 3.0)], r"duplicate merge_keys: \['id'\] .*id=1 \(2 rows\)"),
        ([(None, "a", 1.0), (2, "c", 3.0)], r"null merge_keys: \['id'\] \(1 row\(s\) with a NULL key\)"),
    ],
)
def test_guard_against_an_existing_target_still_names_the_keys(spark, rows, message):
    target = _target(spark, "guarded")
    _classified_write(spark, [(1, "a", 1.0), (2, "b", 2.0)], HASH, target)
    df = spark.createDataFrame(rows, COLUMNS)
    with pytest.raises(key_check.KeyGuardError, match=message) as refused:
        key_check.check_merge_keys(df, HASH, target["identifier"])
    assert refused.value.rows == len(rows)


def test_composite_keys_are_classified_together(spark):
    target = _target(spark, "composite")
    write = {**HASH, "merge_keys": ["id", "name"], "hash_keys": ["amount"]}
    _classified_write(spark, [(1, "a", 1.0), (1, "b", 2.0)], write, target)
    check, result = _classified_write(spark, [(1, "a", 1.0), (1, "b", 2.5), (2, "a", 3.0)], write, target)
    assert check.classification.counts == {"insert": 1, "update": 1, "unchanged": 1}
    assert (result.rows_inserted, result.rows_updated) == (1, 1)
    rows = sorted((r.id, r.name, r.amount) for r in spark.table(target["identifier"]).collect())
    assert rows == [(1, "a", 1.0), (1, "b", 2.5), (2, "a", 3.0)]
