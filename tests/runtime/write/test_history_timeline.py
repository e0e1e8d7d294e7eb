"""Late versions in the middle of a key's history, and processing-time history (a sequence without an
effective-from column), on a real local Spark + Iceberg session."""

from __future__ import annotations

import pytest
from contractforge_runtime.write.iceberg_tables import current_snapshot

from tests.runtime.write.test_history_writes import SEQ_COLUMNS, _fresh, _history, _write, ts

pytestmark = pytest.mark.slow


def _key(spark, target, key: int = 1) -> list[tuple]:
    rows = spark.table(target["identifier"]).where(f"id = {key}").orderBy("valid_from").collect()
    return [(r.name, r.city, r.valid_from, r.valid_to, r.is_current, r.changed_columns) for r in rows]


def _two_versions(spark, table: str, **extra):
    target = _fresh(spark, table)
    write = _history(scd2_sequence_by="seq", **extra)
    rows = [(1, "Ann", "Oslo", ts(1), "U", 1), (1, "Ann", "Paris", ts(5), "U", 5)]
    _write(spark, rows, write, target, SEQ_COLUMNS)
    return target, write


def test_late_version_in_the_middle_recomputes_the_next_versions_changed_columns(spark):
    target, write = _two_versions(spark, "late_middle")
    assert _key(spark, target)[1][-1] == ["city"]
    result = _write(spark, [(1, "Anna", "Oslo", ts(3), "U", 3)], write, target, SEQ_COLUMNS)
    assert (result.rows_inserted, result.rows_updated) == (0, 1)
    # Oslo's valid_to moves to 3; Paris now follows Anna/Oslo: name and city differ from it
    assert result.operation_metrics["scd2_versions_updated"] == 2
    assert _key(spark, target) == [
        ("Ann", "Oslo", ts(1), ts(3), False, None),
        ("Anna", "Oslo", ts(3), ts(5), False, ["name"]),
        ("Ann", "Paris", ts(5), None, True, ["name", "city"]),
    ]


def test_late_version_equal_to_the_next_absorbs_it_as_if_it_had_come_in_order(spark):
    target, write = _two_versions(spark, "late_absorb")
    late = [(1, "Ann", "Paris", ts(3), "U", 3)]
    result = _write(spark, late, write, target, SEQ_COLUMNS)
    assert (result.rows_updated, result.operation_metrics["scd2_versions_absorbed"]) == (1, 1)
    # in arrival order Paris@5 would have been unchanged: one Paris version, from 3, still current
    assert _key(spark, target) == [
        ("Ann", "Oslo", ts(1), ts(3), False, None),
        ("Ann", "Paris", ts(3), None, True, ["city"]),
    ]
    head = current_snapshot(spark, target["identifier"])["snapshot_id"]
    again = _write(spark, late, write, target, SEQ_COLUMNS)
    assert (again.status, again.operation_metrics["rows_unchanged"]) == ("SKIPPED", 1)
    assert current_snapshot(spark, target["identifier"])["snapshot_id"] == head


def test_absorbing_a_deleted_version_keeps_its_end(spark):
    target, write = _two_versions(spark, "late_absorb_deleted", scd2_apply_as_deletes="op = 'D'")
    _write(spark, [(1, "Ann", "Paris", ts(7), "D", 7)], write, target, SEQ_COLUMNS)
    result = _write(spark, [(1, "Ann", "Paris", ts(3), "U", 3)], write, target, SEQ_COLUMNS)
    assert result.operation_metrics["scd2_versions_absorbed"] == 1
    assert _key(spark, target) == [
        ("Ann", "Oslo", ts(1), ts(3), False, None),
        ("Ann", "Paris", ts(3), ts(7), False, ["city"]),
    ]


PROCESSING = "id INT, name STRING, seq INT"


def test_sequence_without_effective_column_keeps_the_newest_row_and_ignores_late_ones(spark):
    target = _fresh(spark, "processing_time")
    write = {
        "mode": "scd2_historical",
        "merge_keys": ["id"],
        "scd2_sequence_by": "seq",
        "scd2_late_arriving_policy": "ignore",
    }
    first = _write(spark, [(1, "Ann", 1), (1, "Anna", 2), (2, "Bob", 1)], write, target, PROCESSING)
    assert (first.rows_inserted, first.operation_metrics["scd2_superseded_rows"]) == (2, 1)
    rows = spark.table(target["identifier"]).orderBy("id").collect()
    assert [(r.id, r.name, r.is_current, r.valid_to) for r in rows] == [
        (1, "Anna", True, None),
        (2, "Bob", True, None),
    ]

    late = _write(spark, [(1, "Al", 1), (2, "Bo", 3)], write, target, PROCESSING)
    assert late.operation_metrics["scd2_late_rows_ignored"] == 1
    assert (late.rows_updated, late.operation_metrics["rows_unchanged"]) == (1, 0)
    current = {r.id: r.name for r in spark.table(target["identifier"]).where("is_current").collect()}
    assert current == {1: "Anna", 2: "Bo"}
