"""`historical` (SCD2) writes on Iceberg: close + insert in one MERGE, nothing written when nothing changed.

1. One join of the batch with the target's *current* versions (keys, change columns, order
   column) picks the keys that need a look at their history: several rows in the batch, no
   current version, a value that differs (null-safe, see compare.py), an older sequence, or a
   delete. Every other batch row is unchanged and goes no further. A *simple* key (one batch row,
   later than its current version, other values, not a delete) only closes its current version
   and inserts the new one: its MERGE rows come straight from the batch row and the current version.
2. The target's versions of the other affected keys and their batch rows form a small timeline
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

from contractforge_runtime.environment.sql_text import quoted
from contractforge_runtime.write.compare import changed_column_names, differs
from contractforge_runtime.write.history_spec import (
    CHANGED_COLUMNS,
    IS_CURRENT,
    VALID_FROM,
    VALID_TO,
    history_spec,
)
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
from contractforge_runtime.write.merge_source import merge_source_view

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
        parts, simple = [], 0
        if has_data:
            per_key, found = _affected_keys(batch, target, spec)
            cached.append(per_key)
            if not found["affected_keys"]:
                _nothing_changed(result, metrics, found["unchanged_rows"])
                return
            simple = found["simple_keys"]
            if simple:
                parts.append(_simple_rows(batch, target, per_key, simple, spec, target_columns))
            involved = found["affected_keys"] - simple
        else:
            per_key, found, involved = None, {"unchanged_rows": 0}, None
        counts = {name: 0 for name in _COUNTED}
        if involved is None or involved:
            timeline = _timeline(batch, target, per_key, involved, spec)
            timeline = timeline.persist()
            cached.append(timeline)
            classified, decided = resolve(timeline, spec)
            decided = decided.persist()
            cached.append(decided)
            counts = _counts(classified, decided)
            _refuse_late_rows(classified, spec, counts)
            if counts["out_of_order"]:
                raise HistoryOrderError(
                    f"historical: {counts['out_of_order']} version(s) would start before the version "
                    "they follow in scd2_sequence_by order; valid_from must follow the sequence (declare "
                    "scd2_effective_from_column when late rows are applied)"
                )
            parts.append(merge_rows(decided, target_columns, spec))
        # a simple key: one batch row replacing the current version (one insert, one closed version)
        for name in ("replacing", "moved", "batch_rows", "survivors"):
            counts[name] += simple
        _record(result, metrics, counts, found["unchanged_rows"], spec)
        inserts, updates = counts["first_versions"] + counts["replacing"], counts["moved"]
        if inserts + updates + counts["absorbed"] == 0:
            result.status, result.skip_reason = "SKIPPED", "no_history_changes"
            return
        source = parts[0] if len(parts) == 1 else parts[0].unionByName(parts[1], allowMissingColumns=True)
        if updates + counts["absorbed"] == 0:
            source.where(_col(OP) == INSERT_OP).select(*target_columns).writeTo(identifier).append()
            return
        with merge_source_view(source, "cf_history_source") as view:
            spark.sql(_merge_sql(identifier, view, target_columns, spec.keys))
    finally:
        for frame in cached:
            frame.unpersist()


_COUNTED = (
    "batch_rows",
    "late",
    "superseded",
    "first_versions",
    "replacing",
    "deletes",
    "survivors",
    "moved",
    "absorbed",
    "out_of_order",
)


def _record(result, metrics: dict, counts: dict[str, int], unchanged_rows: int, spec) -> None:
    inserts, updates = counts["first_versions"] + counts["replacing"], counts["moved"]
    absorbed, superseded = counts["absorbed"], counts["superseded"]
    ignored = counts["late"] if spec.late_policy == "ignore" else 0
    metrics.update(
        {
            "scd2_versions_inserted": inserts,
            "scd2_versions_updated": updates,
            "scd2_versions_absorbed": absorbed,
            "scd2_late_rows": counts["late"],
            "scd2_late_rows_ignored": ignored,
            "scd2_superseded_rows": superseded,
            "rows_unchanged": unchanged_rows
            + counts["batch_rows"]
            - counts["survivors"]
            - ignored
            - superseded,
        }
    )
    result.rows_inserted, result.rows_updated = counts["first_versions"], counts["replacing"]
    result.rows_deleted = counts["deletes"]
    result.rows_written = inserts + updates + absorbed


def _timeline(batch, target, per_key, involved: int | None, spec):
    """The timeline frame: every batch row (empty target), else the stored versions and batch rows
    of the keys that are not simple replacements."""
    if per_key is None:
        return batch
    keys = per_key.where(_involved()).select(*[_col(k) for k in spec.keys])
    keys = keys if involved > BROADCAST_KEYS_LIMIT else F.broadcast(keys)
    stored = stored_versions(target.join(keys, spec.keys, "left_semi"), spec)
    return stored.unionByName(batch.join(keys, spec.keys, "left_semi").select(*stored.columns))


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


def _affected():
    return (F.col(_ROWS) > 1) | (F.col(_LOOK) == 1)


def _involved():
    """Affected keys that need their history: all but the simple replacements."""
    return _affected() & (F.col(_SIMPLE) == 0)


_ROWS, _LOOK, _SIMPLE, _NULL_ORDER = "__cf_rows", "__cf_look", "__cf_simple", "__cf_null_order"
_CURRENT = [VALID_FROM, CHANGED_COLUMNS]


def _current(target, spec):
    """The target's current versions, renamed with the ``_T`` prefix (keys, change columns, order)."""
    order = _col(spec.sequence_by) if spec.sequence_by else _col(VALID_FROM)
    return target.where(_col(IS_CURRENT)).select(
        *[_col(c).alias(_T + c) for c in [*spec.keys, *spec.change_columns, *_CURRENT]],
        order.alias(_T + SEQ),
        F.lit(True).alias(_T + "present"),
    )


def _affected_keys(batch, target, spec):
    """(persisted per-key frame, its stats): one join of the batch with the current versions.

    A key is affected when it has several batch rows or a row that needs a look (no current
    version, other values, an older sequence, a delete). A *simple* affected key has one batch row,
    newer than its current version in sequence and valid_from, with other values and not a delete:
    it closes the current version and inserts one, nothing else in its history moves (no timeline).
    """
    keys, change = spec.keys, spec.change_columns
    narrow = batch.select(*[_col(k) for k in keys], *[_col(c) for c in change], SEQ, DELETE, VALID_FROM)
    joined = narrow.join(_current(target, spec), [_col(k) == _col(_T + k) for k in keys], "left")
    present = F.col(_T + "present").isNotNull()
    other = differs(change, {c: _T + c for c in change})
    look = F.when(_col(DELETE), present).otherwise(~present | other | (_col(SEQ) < _col(_T + SEQ)))
    newer = (_col(SEQ) > _col(_T + SEQ)) & (_col(VALID_FROM) > _col(_T + VALID_FROM))
    simple = F.coalesce(present & ~_col(DELETE) & other & newer, F.lit(False))
    per_key = joined.groupBy(*[_col(k) for k in keys]).agg(
        F.count(F.lit(1)).alias(_ROWS),
        F.max(look.cast("int")).alias(_LOOK),
        F.sum(_col(SEQ).isNull().cast("int")).alias(_NULL_ORDER),
        F.min(simple.cast("int")).alias(_SIMPLE),
    )
    per_key = per_key.withColumn(_SIMPLE, F.when(F.col(_ROWS) == 1, F.col(_SIMPLE)).otherwise(0))
    per_key = per_key.persist()
    stats = per_key.agg(
        F.sum(F.when(_affected(), 0).otherwise(F.col(_ROWS))).alias("unchanged_rows"),
        F.sum(_affected().cast("int")).alias("affected_keys"),
        F.sum((_affected() & (F.col(_SIMPLE) == 1)).cast("int")).alias("simple_keys"),
        F.sum(_NULL_ORDER).alias("null_order"),
    )
    try:
        row = stats.first()
        _refuse_null_order(int(row["null_order"] or 0), spec)
    except BaseException:
        per_key.unpersist()
        raise
    return per_key, {k: int(row[k] or 0) for k in ("unchanged_rows", "affected_keys", "simple_keys")}


def _simple_rows(batch, target, per_key, simple: int, spec, target_columns: list[str]):
    """MERGE source rows of the simple keys, two per batch row (exploded, so the join of the batch
    row with its current version runs once): the new version (INSERT_OP, changed_columns against the
    current version) and the current version closed where the new one starts (UPDATE_OP)."""
    keys = per_key.where(_affected() & (F.col(_SIMPLE) == 1)).select(*[_col(k) for k in spec.keys])
    keys = keys if simple > BROADCAST_KEYS_LIMIT else F.broadcast(keys)
    current = _current(target.join(keys, spec.keys, "left_semi"), spec)
    rows = batch.join(keys, spec.keys, "left_semi")
    rows = rows.join(current, [_col(k) == _col(_T + k) for k in spec.keys], "inner")
    rows = rows.select("*", F.explode(F.array(F.lit(INSERT_OP), F.lit(UPDATE_OP))).alias(OP))
    insert = _col(OP) == INSERT_OP
    changed = changed_column_names(spec.change_columns, {c: _T + c for c in spec.change_columns})
    replaced = {
        VALID_TO: F.when(insert, _col(VALID_TO)).otherwise(_col(VALID_FROM)),
        IS_CURRENT: insert,
        CHANGED_COLUMNS: F.when(insert, changed).otherwise(_col(_T + CHANGED_COLUMNS)),
    }
    return rows.select(
        *[replaced[c].alias(c) if c in replaced else _col(c) for c in target_columns],
        F.when(insert, F.lit(None).cast("timestamp")).otherwise(_col(_T + VALID_FROM)).alias(MATCH_FROM),
        _col(OP),
    )


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
