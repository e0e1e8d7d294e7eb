"""`historical` (SCD2) writes on a real local Spark + Iceberg session: every rule of the mode."""

from __future__ import annotations

import datetime as dt

import pytest
from contractforge_runtime.write import writes
from contractforge_runtime.write.history_timeline import HistoryOrderError, LateArrivalRejected
from contractforge_runtime.write.iceberg_tables import current_snapshot

pytestmark = pytest.mark.slow

DB = "cf_test_history"
COLUMNS = "id INT, name STRING, city STRING, updated_at TIMESTAMP, op STRING"


def ts(day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(2026, 1, day, hour)


def _fresh(spark, table: str) -> dict:
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS glue_catalog.{DB}")
    spark.sql(f"DROP TABLE IF EXISTS glue_catalog.{DB}.{table}")
    return {"identifier": f"glue_catalog.{DB}.{table}", "partition_by": [], "table_properties": {}}


def _history(**extra) -> dict:
    return {
        "mode": "scd2_historical",
        "merge_keys": ["id"],
        "hash_exclude_columns": ["op"],
        "scd2_effective_from_column": "updated_at",
        **extra,
    }


def _write(spark, rows, write: dict, target: dict, columns: str = COLUMNS) -> writes.WriteResult:
    df = spark.createDataFrame(rows, columns)
    writes.check_merge_keys(df, write, target["identifier"])
    ready, _ = writes.prepare_for_write(df, write)
    writes.ensure_target(spark, target["identifier"], ready.schema, target)
    return writes.write(ready, write, target)


def _versions(spark, target) -> list[tuple]:
    rows = spark.table(target["identifier"]).orderBy("id", "valid_from").collect()
    return [(r.id, r.name, r.city, r.valid_from, r.valid_to, r.is_current) for r in rows]


def _snapshots(spark, target) -> int:
    return spark.sql(f"SELECT count(*) FROM {target['identifier']}.snapshots").first()[0]


def test_change_closes_and_inserts_in_one_commit_and_rerun_writes_nothing(spark):
    target = _fresh(spark, "basic")
    write = _history()
    first = _write(spark, [(1, "Ann", "Oslo", ts(1), "U"), (2, "Bob", "Rome", ts(1), "U")], write, target)
    assert (first.rows_inserted, first.rows_updated, first.rows_written) == (2, 0, 2)
    snapshots = _snapshots(spark, target)

    batch = [(1, "Ann", "Bergen", ts(2), "U"), (2, "Bob", "Rome", ts(2), "U"), (3, "Cy", "Nice", ts(2), "U")]
    second = _write(spark, batch, write, target)
    assert (second.rows_inserted, second.rows_updated, second.rows_deleted) == (1, 1, 0)
    assert second.operation_metrics["rows_unchanged"] == 1
    assert second.operation_metrics["scd2_versions_inserted"] == 2  # Ann's new version + Cy
    assert _snapshots(spark, target) == snapshots + 1  # close + insert: one commit
    assert _versions(spark, target) == [
        (1, "Ann", "Oslo", ts(1), ts(2), False),
        (1, "Ann", "Bergen", ts(2), None, True),
        (2, "Bob", "Rome", ts(1), None, True),
        (3, "Cy", "Nice", ts(2), None, True),
    ]
    changed = spark.table(target["identifier"]).where("id = 1 AND is_current").first().changed_columns
    assert changed == ["city"]

    head = current_snapshot(spark, target["identifier"])["snapshot_id"]
    again = _write(spark, batch, write, target)
    assert (again.status, again.skip_reason, again.committed) == ("SKIPPED", "no_history_changes", False)
    assert (again.rows_inserted, again.rows_updated, again.operation_metrics["rows_unchanged"]) == (0, 0, 3)
    assert current_snapshot(spark, target["identifier"])["snapshot_id"] == head


def test_several_changes_of_one_key_in_one_batch_become_versions_in_order(spark):
    target = _fresh(spark, "several")
    write = _history()
    _write(spark, [(1, "Ann", "Oslo", ts(1), "U")], write, target)
    batch = [
        (1, "Ann", "Paris", ts(4), "U"),
        (1, "Ann", "Bergen", ts(2), "U"),
        (1, "Ann", "Bergen", ts(3), "U"),
    ]
    result = _write(spark, batch, write, target)
    assert (result.rows_inserted, result.rows_updated) == (0, 2)
    assert result.operation_metrics["rows_unchanged"] == 1  # ts(3) repeats ts(2)'s values
    assert _versions(spark, target) == [
        (1, "Ann", "Oslo", ts(1), ts(2), False),
        (1, "Ann", "Bergen", ts(2), ts(4), False),
        (1, "Ann", "Paris", ts(4), None, True),
    ]


def test_apply_as_deletes_closes_without_a_new_version_and_a_later_row_reopens(spark):
    target = _fresh(spark, "deletes")
    write = _history(scd2_apply_as_deletes="op = 'D'")
    _write(spark, [(1, "Ann", "Oslo", ts(1), "U"), (2, "Bob", "Rome", ts(1), "U")], write, target)
    deleted = _write(
        spark, [(1, "Ann", "Oslo", ts(2), "D"), (9, "Zed", "Nowhere", ts(2), "D")], write, target
    )
    assert (deleted.rows_deleted, deleted.rows_inserted, deleted.rows_updated) == (1, 0, 0)
    assert deleted.operation_metrics["rows_unchanged"] == 1  # deleting an unknown key changes nothing
    assert _versions(spark, target)[0] == (1, "Ann", "Oslo", ts(1), ts(2), False)
    again = _write(spark, [(1, "Ann", "Oslo", ts(2), "D")], write, target)
    assert again.status == "SKIPPED"

    back = _write(spark, [(1, "Ann", "Oslo", ts(3), "U")], write, target)
    assert (back.rows_inserted, back.rows_updated) == (1, 0)
    assert [v for v in _versions(spark, target) if v[0] == 1] == [
        (1, "Ann", "Oslo", ts(1), ts(2), False),
        (1, "Ann", "Oslo", ts(3), None, True),
    ]


SEQ_COLUMNS = "id INT, name STRING, city STRING, updated_at TIMESTAMP, op STRING, seq INT"


def _late_setup(spark, table: str, policy: str):
    target = _fresh(spark, table)
    write = _history(scd2_sequence_by="seq", scd2_late_arriving_policy=policy)
    rows = [
        (1, "Ann", "Oslo", ts(1), "U", 1),
        (1, "Ann", "Paris", ts(5), "U", 5),
        (2, "Bob", "Rome", ts(1), "U", 1),
    ]
    _write(spark, rows, write, target, SEQ_COLUMNS)
    return target, write


def test_late_arrival_apply_is_inserted_in_place_and_neighbours_adjusted(spark):
    target, write = _late_setup(spark, "late_apply", "apply")
    result = _write(spark, [(1, "Ann", "Bergen", ts(3), "U", 3)], write, target, SEQ_COLUMNS)
    assert result.operation_metrics["scd2_late_rows"] == 1
    assert (result.rows_updated, result.operation_metrics["scd2_versions_updated"]) == (1, 1)
    assert [v for v in _versions(spark, target) if v[0] == 1] == [
        (1, "Ann", "Oslo", ts(1), ts(3), False),
        (1, "Ann", "Bergen", ts(3), ts(5), False),
        (1, "Ann", "Paris", ts(5), None, True),
    ]
    again = _write(spark, [(1, "Ann", "Bergen", ts(3), "U", 3)], write, target, SEQ_COLUMNS)
    assert again.status == "SKIPPED"  # an applied late row is history now, not late again


def test_late_arrival_ignore_drops_the_row(spark):
    target, write = _late_setup(spark, "late_ignore", "ignore")
    before = _versions(spark, target)
    rows = [(1, "Ann", "Bergen", ts(3), "U", 3), (2, "Bob", "Milan", ts(6), "U", 6)]
    result = _write(spark, rows, write, target, SEQ_COLUMNS)
    assert result.operation_metrics["scd2_late_rows_ignored"] == 1
    assert (result.rows_updated, result.operation_metrics["rows_unchanged"]) == (1, 0)
    after = _versions(spark, target)
    assert [v for v in after if v[0] == 1] == [v for v in before if v[0] == 1]
    assert [v[2] for v in after if v[0] == 2] == ["Rome", "Milan"]


def test_late_arrival_reject_fails_and_leaves_the_target_unchanged(spark):
    target, write = _late_setup(spark, "late_reject", "reject")
    head = current_snapshot(spark, target["identifier"])["snapshot_id"]
    rows = [(1, "Ann", "Bergen", ts(3), "U", 3), (2, "Bob", "Milan", ts(6), "U", 6)]
    with pytest.raises(LateArrivalRejected, match=r"1 late-arriving row.*id=1.*reject"):
        _write(spark, rows, write, target, SEQ_COLUMNS)
    assert current_snapshot(spark, target["identifier"])["snapshot_id"] == head


def test_late_row_without_an_effective_column_cannot_be_placed(spark):
    target = _fresh(spark, "late_runtime")
    write = {"mode": "scd2_historical", "merge_keys": ["id"], "scd2_sequence_by": "seq"}
    _write(spark, [(1, "Ann", 5)], write, target, "id INT, name STRING, seq INT")
    with pytest.raises(HistoryOrderError, match="scd2_effective_from_column"):
        _write(spark, [(1, "Bo", 3)], write, target, "id INT, name STRING, seq INT")


def test_run_time_valid_from_and_duplicate_keys_refused_without_an_order(spark):
    target = _fresh(spark, "runtime")
    write = {"mode": "scd2_historical", "merge_keys": ["id"]}
    _write(spark, [(1, "Ann")], write, target, "id INT, name STRING")
    _write(spark, [(1, "Bo")], write, target, "id INT, name STRING")
    rows = spark.table(target["identifier"]).orderBy("valid_from").collect()
    assert [(r.name, r.is_current) for r in rows] == [("Ann", False), ("Bo", True)]
    assert rows[0].valid_to == rows[1].valid_from
    df = spark.createDataFrame([(1, "a"), (1, "b")], "id INT, name STRING")
    with pytest.raises(writes.KeyGuardError, match="historical source contains duplicate merge_keys"):
        writes.check_merge_keys(df, write, target["identifier"])


def test_added_column_starts_a_version_only_where_it_is_not_null(spark):
    from contractforge_runtime.checks import schema_policy

    target = _fresh(spark, "additive")
    write = _history()
    _write(spark, [(1, "Ann", "Oslo", ts(1), "U"), (2, "Bob", "Rome", ts(1), "U")], write, target)
    df = spark.createDataFrame(
        [(1, "Ann", "Oslo", ts(2), "U", None), (2, "Bob", "Rome", ts(2), "U", "gold")],
        COLUMNS + ", tier STRING",
    )
    ready, _ = writes.prepare_for_write(df, write)
    ready, _ = schema_policy.enforce(spark, ready, target["identifier"], "additive_only")
    result = writes.write(ready, write, target)
    assert (result.rows_updated, result.operation_metrics["rows_unchanged"]) == (1, 1)
    current = {r.id: r for r in spark.table(target["identifier"]).where("is_current").collect()}
    assert (current[1].valid_from, current[2].tier, current[2].changed_columns) == (ts(1), "gold", ["tier"])
