"""Iceberg writes: append, overwrite, upsert (one MERGE INTO) and hash-diff upsert.

Fixes over the original's writes (docs/writes.md):
- merge-on-read targets (the default) MERGE once: hash diff as a conditional MERGE (matched rows
  update only when the row hash differs), and inserted / updated come from the commit's snapshot
  summary — with merge-on-read every updated row is one added position delete plus one added record,
  so updated = added-position-deletes and inserted = added-records − updated. Nothing changed →
  SKIPPED / no_hash_changes with a metadata-only snapshot (expired by maintenance);
- copy-on-write targets keep the exact two-join path (their summaries count rewritten rows):
  hash diff filters unchanged rows on the *source* side (one left join of source keys+hash against
  the target), so MERGE only sees new or changed rows; nothing changed → no MERGE, no snapshot;
- merge keys are checked (present, not NULL, unique) before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyspark.sql import functions as F

from contractforge_runtime.environment.root_cause import already_exists, retry_when_busy
from contractforge_runtime.write.compare import compared_columns
from contractforge_runtime.write.hashing import ROW_HASH, with_row_hash
from contractforge_runtime.write.history import write_history
from contractforge_runtime.write.history_spec import HISTORICAL, with_history_columns
from contractforge_runtime.write.iceberg_tables import (
    create_table,
    current_snapshot,
    merge_on_read,
    quote_identifier,
    table_exists,
)
from contractforge_runtime.write.key_check import (  # noqa: F401 - KeyGuardError / check_merge_keys: public here
    HASH_DIFF,
    MERGE_MODES,
    UPSERT,
    KeyCheck,
    KeyClassification,
    KeyGuardError,
    check_merge_keys,
    classify,
)
from contractforge_runtime.write.merge_source import merge_source_view
from contractforge_runtime.write.soft_delete import SNAPSHOT, with_soft_delete_columns, write_soft_delete

APPEND, OVERWRITE = "scd0_append", "scd0_overwrite"
PUBLIC_NAMES = {
    APPEND: "append",
    OVERWRITE: "overwrite",
    UPSERT: "upsert",
    HASH_DIFF: "hash_diff_upsert",
    HISTORICAL: "historical",
    SNAPSHOT: "snapshot_reconcile_soft_delete",
}


@dataclass
class WriteResult:
    status: str = "SUCCESS"  # SUCCESS | SKIPPED
    committed: bool = False
    skip_reason: str | None = None
    rows_written: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_deleted: int = 0
    table_created: bool = False
    table_version_before: str | None = None
    table_version_after: str | None = None
    operation_metrics: dict = field(default_factory=dict)


def _q(name: str) -> str:
    return f"`{name}`"


def prepare_for_write(df, write: dict, preparation: dict | None = None):
    """The frame as it will be stored (row_hash added for hash diff) and the hash input columns."""
    if write.get("mode") == HASH_DIFF:
        return with_row_hash(df, write, preparation)
    if write.get("mode") == HISTORICAL:
        return with_history_columns(df, write)
    if write.get("mode") == SNAPSHOT:
        return with_soft_delete_columns(df, write)
    return df, []


def ensure_target(spark, identifier: str, schema, target: dict) -> bool:
    """Create the target (format-version 2, plan layout) when missing; True when it was created."""
    if table_exists(spark, identifier):
        return False
    try:
        retry_when_busy(lambda: create_table(spark, identifier, schema, target))
    except Exception as error:  # noqa: BLE001 - a first deploy may start two jobs on one target
        if not already_exists(error):
            raise
        return False  # the other writer created it; its schema is checked like any existing table's
    return True


def write(
    df,
    write: dict,
    target: dict,
    hash_columns: list[str] | None = None,
    rows: int | None = None,
    classification: KeyClassification | None = None,
) -> WriteResult:
    """Write the prepared frame to ``target["identifier"]``, which must exist (see ensure_target).

    ``rows``: the frame's row count when the caller already knows it (not counted again).
    ``classification``: the key guard's classification of this batch (key_check.py); the merge
    modes then take their counts from it instead of joining again; hash diff merges only the rows
    of its new and changed keys (narrowing the batch before hashing saves hashing the others).
    """
    spark = df.sparkSession  # the batch's own session under foreachBatch (streaming clones sessions)
    identifier = target["identifier"]
    before = current_snapshot(spark, identifier)
    result = WriteResult(table_version_before=before["snapshot_id"] if before else None)
    mode = write.get("mode")
    result.operation_metrics["write_mode"] = mode
    # A busy catalog (the local SQLite catalog under a pack's concurrent commits: SQLITE_BUSY /
    # BUSY_SNAPSHOT) refused the commit: the write is tried again, bounded, as long as the target
    # still has the snapshot it had before (the run holds the target's lock: nobody else writes it).
    unchanged = lambda: _snapshot_id(spark, identifier) == result.table_version_before  # noqa: E731
    retry_when_busy(
        lambda: _dispatch(df, write, target, hash_columns, rows, classification, result, before),
        uncommitted=unchanged,
    )
    after = current_snapshot(spark, identifier)
    result.table_version_after = after["snapshot_id"] if after else None
    result.committed = result.table_version_after != result.table_version_before
    if result.committed:
        result.operation_metrics.update(
            {"snapshot_operation": after["operation"], "snapshot_summary": after["summary"]}
        )
    return result


def _snapshot_id(spark, identifier: str) -> str | None:
    head = current_snapshot(spark, identifier)
    return head["snapshot_id"] if head else None


def _dispatch(df, write: dict, target: dict, hash_columns, rows, classification, result, before) -> None:
    spark, identifier, mode = df.sparkSession, target["identifier"], write.get("mode")
    if mode == APPEND:
        _append(df, identifier, result, rows)
    elif mode == OVERWRITE:
        _overwrite(df, identifier, result, before)
    elif mode == HASH_DIFF and before is not None and merge_on_read(spark, identifier):
        # upsert compares values itself (_merge): it rewrites only the rows that changed
        result.operation_metrics["hash_input_columns"] = list(hash_columns or [])
        _merge_counted_by_commit(df, identifier, list(write["merge_keys"]), mode, result, rows)
    elif mode == UPSERT:
        _merge(df, identifier, write, result, before is not None, rows, classification)
    elif mode == HASH_DIFF:
        result.operation_metrics["hash_input_columns"] = list(hash_columns or [])
        _hash_diff(
            df, identifier, list(write["merge_keys"]), result, before is not None, rows, classification
        )
    elif mode == HISTORICAL:
        write_history(df, write, identifier, result, before is not None)
    elif mode == SNAPSHOT:
        write_soft_delete(df, write, identifier, result, before is not None)
    else:
        raise ValueError(f"write mode {mode!r} is not supported by this runtime")


def _append(df, identifier: str, result: WriteResult, rows: int | None = None) -> None:
    df.writeTo(identifier).append()
    if rows is None:  # not counted by the caller: the commit says how many records it added (no job)
        rows = _added_records(df.sparkSession, identifier)
        result.operation_metrics["counts_from"] = "snapshot_summary"
    result.rows_written = result.rows_inserted = rows


def _overwrite(df, identifier: str, result: WriteResult, before: dict | None) -> None:
    spark = df.sparkSession
    previous = _live_records(spark, identifier, before)
    df.writeTo(identifier).overwrite(F.lit(True))  # replaces every row, keeps the table and its schema
    result.rows_written = result.rows_inserted = _added_records(spark, identifier)
    result.rows_deleted = previous
    result.operation_metrics["counts_from"] = "snapshot_summary"


def _added_records(spark, identifier: str) -> int:
    head = current_snapshot(spark, identifier)
    return int((head or {"summary": {}})["summary"].get("added-records", 0))


def _live_records(spark, identifier: str, before: dict | None) -> int:
    """Rows in the table before a write: its snapshot's total-records when no delete files apply
    (then every stored record is live), else counted."""
    if before is None:
        return 0
    summary = before["summary"]
    deletes = int(summary.get("total-position-deletes", 0)) + int(summary.get("total-equality-deletes", 0))
    if "total-records" in summary and deletes == 0:
        return int(summary["total-records"])
    return spark.table(identifier).count()


def _merge_sql(
    identifier: str, view: str, columns: list[str], keys: list[str], matched_if: str | None = None
) -> str:
    on = " AND ".join(f"t.{_q(k)} = s.{_q(k)}" for k in keys)
    updates = ", ".join(f"t.{_q(c)} = s.{_q(c)}" for c in columns if c not in keys)
    insert_columns = ", ".join(_q(c) for c in columns)
    insert_values = ", ".join(f"s.{_q(c)}" for c in columns)
    condition = f"AND {matched_if} " if matched_if else ""
    matched = f"WHEN MATCHED {condition}THEN UPDATE SET {updates} " if updates else ""
    return (
        f"MERGE INTO {quote_identifier(identifier)} t USING {view} s ON {on} {matched}"
        f"WHEN NOT MATCHED THEN INSERT ({insert_columns}) VALUES ({insert_values})"
    )


def _run_merge(source, identifier: str, keys: list[str], matched_if: str | None = None) -> None:
    with merge_source_view(source) as view:
        source.sparkSession.sql(_merge_sql(identifier, view, source.columns, keys, matched_if))


def _merge_counted_by_commit(
    df, identifier: str, keys: list[str], mode: str, result: WriteResult, rows: int | None
) -> None:
    """Merge-on-read target with data: one MERGE (the only join with the target); the counts come
    from its commit. Hash diff updates a matched row only when its row hash differs (NULL-safe: a
    target row without a hash is an update)."""
    matched_if = f"NOT (t.{_q(ROW_HASH)} <=> s.{_q(ROW_HASH)})" if mode == HASH_DIFF else None
    _run_merge(df, identifier, keys, matched_if)
    after = current_snapshot(df.sparkSession, identifier) or {"summary": {}}
    summary = after["summary"]
    added = int(summary.get("added-records", 0))
    updated = int(summary.get("added-position-deletes", 0))
    result.rows_inserted, result.rows_updated = added - updated, updated
    result.rows_written = added
    result.operation_metrics["counts_from"] = "snapshot_summary"
    if mode != HASH_DIFF:
        return
    result.operation_metrics["hash_diff_candidate_rows"] = added
    if rows is not None:
        result.operation_metrics["hash_diff_unchanged_rows"] = max(rows - added, 0)
    if added == 0:  # the MERGE committed a metadata-only snapshot (merge-on-read always commits)
        result.status, result.skip_reason = "SKIPPED", "no_hash_changes"
        result.operation_metrics["metadata_only_snapshot"] = True


def _merge(
    df,
    identifier: str,
    write: dict,
    result: WriteResult,
    has_data: bool,
    rows: int | None = None,
    classification: KeyClassification | None = None,
) -> None:
    """One MERGE of the new and changed rows only: matched rows whose compared columns (all non-key
    columns, or ``compare_columns``) equal the target's are not rewritten; nothing changed → no MERGE."""
    if not has_data:  # empty table: a plain append is the same result without a join
        _append(df, identifier, result, rows)
        return
    keys = list(write["merge_keys"])
    owned = None
    if classification is None or not classification.compared_hash:
        compare = compared_columns(write, df.columns)
        classification = owned = classify(df, identifier, keys, False, rows=rows, compare_columns=compare)
    try:
        counts = classification.counts
        result.rows_inserted, result.rows_updated = counts["insert"], counts["update"]
        result.rows_written = result.rows_inserted + result.rows_updated
        result.operation_metrics["rows_unchanged"] = counts["unchanged"]
        if result.rows_written == 0:
            result.status, result.skip_reason = "SKIPPED", "no_changes"
            return
        changed_rows = classification.changed_rows(df) if counts["unchanged"] else df
        if result.rows_updated == 0:
            changed_rows.writeTo(identifier).append()  # only new keys: no MERGE needed
        else:
            _run_merge(changed_rows, identifier, keys)
    finally:
        if owned is not None:
            owned.release()


def _hash_diff(
    df,
    identifier: str,
    keys: list[str],
    result: WriteResult,
    has_data: bool,
    rows: int | None = None,
    classification: KeyClassification | None = None,
) -> None:
    if not has_data:
        _append(df, identifier, result, rows)
        result.operation_metrics["hash_diff_candidate_rows"] = result.rows_inserted
        return
    # The unchanged-row filter sits on the source side: only new or changed rows reach MERGE.
    owned = None
    if classification is None or not classification.compared_hash:  # e.g. quality dropped rows
        classification = owned = classify(df, identifier, keys, compare_hash=True, rows=rows)
    try:
        counts = classification.counts
        inserted, updated = counts["insert"], counts["update"]
        result.operation_metrics["hash_diff_candidate_rows"] = inserted + updated
        result.operation_metrics["hash_diff_unchanged_rows"] = counts["unchanged"]
        if inserted + updated == 0:
            result.status, result.skip_reason = "SKIPPED", "no_hash_changes"
            return
        # Narrowed here even when the caller already did so before hashing (cheap then): the
        # write never depends on how the frame was built.
        changed_rows = classification.changed_rows(df)
        if updated == 0:
            changed_rows.writeTo(identifier).append()  # only new keys: no MERGE needed
        else:
            _run_merge(changed_rows, identifier, keys)
        result.rows_inserted, result.rows_updated = inserted, updated
        result.rows_written = inserted + updated
    finally:
        if owned is not None:
            owned.release()
