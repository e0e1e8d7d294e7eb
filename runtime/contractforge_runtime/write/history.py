"""`historical` (SCD2) writes on Iceberg: close + insert in one MERGE, nothing written when nothing changed.

1. One join of the batch with the target's *current* versions (keys, change columns, order
   column) picks the keys that need a look at their history: several rows in the batch, no
   current version, a value that differs (null-safe, see compare.py), an older sequence, or a
   delete. Every other batch row is unchanged and goes no further.
2. The target's versions of those keys and their batch rows form a small timeline
   (history_timeline.py) that decides the new versions and the stored versions whose validity
   changes (closed by a change or a delete, or re-bounded around a late row).
3. One ``MERGE INTO`` applies all: ``ON key AND t.valid_from = s.match_from AND s.op IN ('update',
   'delete')`` deletes absorbed versions and updates valid_to / is_current / changed_columns,
   ``WHEN NOT MATCHED AND s.op = 'insert'`` inserts. One commit: readers never see a closed version
   without its successor. Nothing to do → no MERGE, no snapshot.

Counts: inserted = first versions of keys (new, or back after a delete), updated = versions closed
by a new version, deleted = versions closed by ``scd2_apply_as_deletes``; unchanged, late, ignored
and superseded rows, absorbed versions and version rows written go to operation_metrics.
"""

from __future__ import annotations

from pyspark.sql import functions as F

from contractforge_runtime.write.compare import differs
from contractforge_runtime.write.history_spec import IS_CURRENT, VALID_FROM, history_spec
from contractforge_runtime.write.history_timeline import (
    ABSORBED,
    BATCH,
    DELETE,
    DELETE_OP,
    INSERT_OP,
    LATE,
    MATCH_FROM,
    OP,
    ORIGIN,
    OUT_OF_ORDER,
    REPLACES,
    SEQ,
    SUPERSEDED,
    UPDATE_OP,
    HistoryOrderError,
    LateArrivalRejected,
    batch_rows,
    merge_rows,
    moved_condition,
    resolve,
    stored_versions,
)
from contractforge_runtime.write.iceberg_tables import quote_identifier
from contractforge_runtime.write.merge_source import merge_source_view, quoted

BROADCAST_KEYS_LIMIT = 2_000_000
_T = "__cf_t_"


def _col(name: str):
    return F.col(quoted(name))


def write_history(ready, write: dict, identifier: str, result, has_data: bool) -> None:
    """Apply the batch ``ready`` (with_history_columns) to the SCD2 target; fills ``result``."""
    spark = ready.sparkSession
    spec = history_spec(write, ready.columns)
    metrics = result.operation_metrics
    metrics["scd2_change_columns"] = list(spec.change_columns)
    batch = batch_rows(ready, spec)
    target = spark.table(identifier)
    target_columns = target.columns
    cached = []
    try:
        if has_data:
            per_key, affected, unchanged = _affected_keys(batch, target, spec)
            cached.append(per_key)
            if not unchanged["affected_keys"]:
                _nothing_changed(result, metrics, unchanged["unchanged_rows"])
                return
            keys = affected if unchanged["affected_keys"] > BROADCAST_KEYS_LIMIT else F.broadcast(affected)
            batch = batch.join(keys, spec.keys, "left_semi")
            stored = stored_versions(target.join(keys, spec.keys, "left_semi"), spec)
            timeline = stored.unionByName(batch.select(*stored.columns))
        else:
            unchanged = {"unchanged_rows": 0, "affected_keys": None}
            timeline = batch
        timeline = timeline.persist()
        cached.append(timeline)
        classified, decided = resolve(timeline, spec)
        decided = decided.persist()
        cached.append(decided)
        counts = _counts(classified, decided)
        late = _refuse_late_rows(classified, spec, counts)
        if counts["out_of_order"]:
            raise HistoryOrderError(
                f"historical: {counts['out_of_order']} version(s) would start before the version they "
                "follow in scd2_sequence_by order; valid_from must follow the sequence (declare "
                "scd2_effective_from_column when late rows are applied)"
            )
        inserts, updates = counts["first_versions"] + counts["replacing"], counts["moved"]
        absorbed, superseded = counts["absorbed"], counts["superseded"]
        ignored = late["late"] if spec.late_policy == "ignore" else 0
        metrics.update(
            {
                "scd2_versions_inserted": inserts,
                "scd2_versions_updated": updates,
                "scd2_versions_absorbed": absorbed,
                "scd2_late_rows": late["late"],
                "scd2_late_rows_ignored": ignored,
                "scd2_superseded_rows": superseded,
                "rows_unchanged": unchanged["unchanged_rows"]
                + late["batch_rows"]
                - counts["survivors"]
                - ignored
                - superseded,
            }
        )
        result.rows_inserted, result.rows_updated = counts["first_versions"], counts["replacing"]
        result.rows_deleted = counts["deletes"]
        result.rows_written = inserts + updates + absorbed
        if inserts + updates + absorbed == 0:
            result.status, result.skip_reason = "SKIPPED", "no_history_changes"
            return
        source = merge_rows(decided, target_columns, spec)
        if updates + absorbed == 0:
            source.where(_col(OP) == INSERT_OP).select(*target_columns).writeTo(identifier).append()
            return
        with merge_source_view(source, "cf_history_source") as view:
            spark.sql(_merge_sql(identifier, view, target_columns, spec.keys))
    finally:
        for frame in cached:
            frame.unpersist()


def _nothing_changed(result, metrics: dict, unchanged_rows: int) -> None:
    metrics.update(
        {
            "scd2_versions_inserted": 0,
            "scd2_versions_updated": 0,
            "scd2_versions_absorbed": 0,
            "scd2_late_rows": 0,
            "scd2_late_rows_ignored": 0,
            "scd2_superseded_rows": 0,
            "rows_unchanged": unchanged_rows,
        }
    )
    result.status, result.skip_reason = "SKIPPED", "no_history_changes"


def _affected_keys(batch, target, spec):
    """(persisted per-key frame, the batch keys that need their history looked at, stats)."""
    keys, change = spec.keys, spec.change_columns
    order = [spec.sequence_by] if spec.sequence_by else []
    current = target.where(_col(IS_CURRENT)).select(
        *[_col(k).alias(_T + k) for k in keys],
        *[_col(c).alias(_T + c) for c in change],
        (_col(order[0]) if order else _col(VALID_FROM)).alias(_T + SEQ),
        F.lit(True).alias(_T + "present"),
    )
    narrow = batch.select(*[_col(k) for k in keys], *[_col(c) for c in change], SEQ, DELETE)
    joined = narrow.join(current, [_col(k) == _col(_T + k) for k in keys], "left")
    present = F.col(_T + "present").isNotNull()
    look = F.when(_col(DELETE), present).otherwise(
        ~present | differs(change, {c: _T + c for c in change}) | (_col(SEQ) < _col(_T + SEQ))
    )
    per_key = joined.groupBy(*[_col(k) for k in keys]).agg(
        F.count(F.lit(1)).alias("__cf_rows"),
        F.max(look.cast("int")).alias("__cf_look"),
        F.sum(_col(SEQ).isNull().cast("int")).alias("__cf_null_order"),
    )
    per_key = per_key.persist()
    affected_condition = (F.col("__cf_rows") > 1) | (F.col("__cf_look") == 1)
    stats = per_key.agg(
        F.sum(F.when(affected_condition, 0).otherwise(F.col("__cf_rows"))).alias("unchanged_rows"),
        F.sum(affected_condition.cast("int")).alias("affected_keys"),
        F.sum("__cf_null_order").alias("null_order"),
    )
    try:
        row = stats.first()
        _refuse_null_order(int(row["null_order"] or 0), spec)
    except BaseException:
        per_key.unpersist()
        raise
    affected = per_key.where(affected_condition).select(*[_col(k) for k in keys])
    counts = {
        "unchanged_rows": int(row["unchanged_rows"] or 0),
        "affected_keys": int(row["affected_keys"] or 0),
    }
    return per_key, affected, counts


def _refuse_null_order(nulls: int, spec) -> None:
    if nulls:
        column = spec.sequence_by or spec.effective_from
        raise HistoryOrderError(f"historical: {nulls} row(s) with a NULL {column} (valid_from/sequence)")


def _refuse_late_rows(classified, spec, counts: dict[str, int]) -> dict[str, int]:
    """Raises under ``reject`` when the batch holds late rows, before anything is written."""
    if counts["late"] and spec.late_policy == "reject":
        late = classified.where((_col(ORIGIN) == BATCH) & _col(LATE))
        examples = late.select(*spec.keys, SEQ).orderBy(*spec.keys, SEQ).limit(3).collect()
        shown = "; ".join(", ".join(f"{k}={row[k]!r}" for k in spec.keys) for row in examples)
        order = spec.sequence_by or spec.effective_from
        raise LateArrivalRejected(
            f"historical: {counts['late']} late-arriving row(s) (older {order} than the stored history, "
            f"e.g. {shown}) and scd2_late_arriving_policy is reject; the target was not changed"
        )
    return {"late": counts["late"], "batch_rows": counts["batch_rows"]}


def _counts(classified, decided) -> dict[str, int]:
    """The timeline's batch and late rows, and what survived (two small jobs: one aggregate over a
    cross join of both frames, which share their lineage, lost the late rows)."""
    batch, version = _col(ORIGIN) == BATCH, ~_col(DELETE)
    timeline = classified.agg(
        F.sum(batch.cast("int")).alias("batch_rows"),
        F.sum((batch & _col(LATE)).cast("int")).alias("late"),
        F.sum(_col(SUPERSEDED).cast("int")).alias("superseded"),
    ).first()
    outcome = decided.agg(
        F.sum((batch & version & ~_col(REPLACES)).cast("int")).alias("first_versions"),
        F.sum((batch & version & _col(REPLACES)).cast("int")).alias("replacing"),
        F.sum((batch & _col(DELETE)).cast("int")).alias("deletes"),
        F.sum(batch.cast("int")).alias("survivors"),
        F.sum(moved_condition().cast("int")).alias("moved"),
        F.sum(_col(ABSORBED).cast("int")).alias("absorbed"),
        F.sum(_col(OUT_OF_ORDER).cast("int")).alias("out_of_order"),
    ).first()
    return {k: int(v or 0) for k, v in {**timeline.asDict(), **outcome.asDict()}.items()}


def _merge_sql(identifier: str, view: str, columns: list[str], keys: list[str]) -> str:
    on = " AND ".join(f"t.{quoted(k)} = s.{quoted(k)}" for k in keys)
    insert_columns = ", ".join(quoted(c) for c in columns)
    insert_values = ", ".join(f"s.{quoted(c)}" for c in columns)
    return (
        f"MERGE INTO {quote_identifier(identifier)} t USING {view} s "
        f"ON {on} AND s.{quoted(OP)} IN ('{UPDATE_OP}', '{DELETE_OP}') "
        f"AND t.{quoted(VALID_FROM)} = s.{quoted(MATCH_FROM)} "
        f"WHEN MATCHED AND s.{quoted(OP)} = '{DELETE_OP}' THEN DELETE "
        f"WHEN MATCHED THEN UPDATE SET t.valid_to = s.valid_to, t.{quoted(IS_CURRENT)} = s.{quoted(IS_CURRENT)}, "
        f"t.changed_columns = s.changed_columns "
        f"WHEN NOT MATCHED AND s.{quoted(OP)} = '{INSERT_OP}' THEN INSERT ({insert_columns}) VALUES ({insert_values})"
    )
