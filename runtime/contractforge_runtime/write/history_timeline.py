"""The history of the keys a batch touches, merged with the batch: what to insert and what to adjust.

Input: the target's versions of the affected keys and the batch rows of those keys, one frame
(``ORIGIN`` 0 = stored version, 1 = batch row), ordered per key by ``SEQ`` (the sequence column,
else valid_from), stored versions first on ties. Three small window passes:

1. late rows: a batch row ordered before the key's newest stored version, unless it *is* a stored
   version (same position, same values: an already applied row, e.g. a rerun) — those are dropped
   as unchanged. ``reject`` fails here, ``ignore`` drops the late rows, ``apply`` keeps them.
   Superseded rows (processing-time history, see history_spec.py) are dropped here too;
2. no-op rows: a batch version equal to the version live before it, or a delete where nothing is
   live — dropping them never changes what the next row sees (each has its predecessor's state);
   then absorbed versions: a stored version equal to the late version now before it is no change
   any more (in arrival order it would have been a no-op), so it is deleted and the late version
   takes over its end (its valid_to when a delete had ended it);
3. the remaining timeline gives every version its valid_to (the next row's valid_from, or open),
   is_current (last and not deleted) and changed_columns (vs. the live version before it; stored
   versions that now follow a late row are compared with it again).

Stored versions whose valid_to / is_current / changed_columns change are updated and absorbed ones
deleted (matched on key + valid_from); surviving batch versions are inserted. Stored versions ended
by a delete stay ended. row_hash hashes a version's own values, so it never changes with its place.
"""

from __future__ import annotations

from pyspark.sql import Window
from pyspark.sql import functions as F

from contractforge_runtime.write.compare import changed_column_names, differs
from contractforge_runtime.write.hashing import ROW_HASH, row_hash_column
from contractforge_runtime.write.history_spec import (
    CHANGED_COLUMNS,
    IS_CURRENT,
    VALID_FROM,
    VALID_TO,
    HistorySpec,
)

SEQ, ORIGIN, DELETE, LIVE_AFTER = "__cf_seq", "__cf_origin", "__cf_delete", "__cf_live_after"
OLD_TO, OLD_CURRENT, OLD_CHANGED = "__cf_old_to", "__cf_old_current", "__cf_old_changed"
OP, MATCH_FROM = "__cf_op", "__cf_match_from"
STORED, BATCH = 0, 1
INSERT_OP, UPDATE_OP, DELETE_OP = "insert", "update", "delete"
# per-row outcome columns (batch rows): what happened to the row, for the counts
LATE, EXISTING, NOOP, SUPERSEDED = "__cf_late", "__cf_existing", "__cf_noop", "__cf_superseded"
REPLACES, OUT_OF_ORDER, ABSORBED = "__cf_replaces", "__cf_out_of_order", "__cf_absorbed"


class LateArrivalRejected(ValueError):
    """scd2_late_arriving_policy reject and the batch holds rows older than the stored history."""


class HistoryOrderError(ValueError):
    """valid_from does not follow the sequence order of a key's versions."""


def _col(name: str):
    return F.col("`" + name.replace("`", "``") + "`")


def _prev(name: str) -> str:
    return f"__cf_prev_{name}"


def stored_versions(target, spec: HistorySpec):
    """Stored versions in timeline form: LIVE_AFTER = another version follows seamlessly (or current)."""
    seq = _col(spec.sequence_by) if spec.sequence_by else _col(VALID_FROM)
    by_key = Window.partitionBy(*[_col(k) for k in spec.keys]).orderBy(seq.asc(), _col(VALID_FROM).asc())
    seamless = F.lead(_col(VALID_FROM)).over(by_key).eqNullSafe(_col(VALID_TO))
    return target.select(
        "*",
        seq.alias(SEQ),
        F.lit(STORED).alias(ORIGIN),
        F.lit(False).alias(DELETE),
        (_col(IS_CURRENT) | seamless).alias(LIVE_AFTER),
        _col(VALID_TO).alias(OLD_TO),
        _col(IS_CURRENT).alias(OLD_CURRENT),
        _col(CHANGED_COLUMNS).alias(OLD_CHANGED),
        F.lit(False).alias(SUPERSEDED),
    )


def batch_rows(ready, spec: HistorySpec):
    """Batch rows in timeline form (history columns already added by with_history_columns).
    Processing-time history: every row but a key's newest (by sequence) is SUPERSEDED."""
    seq = _col(spec.sequence_by) if spec.sequence_by else _col(VALID_FROM)
    delete = F.coalesce(F.expr(spec.deletes), F.lit(False)) if spec.deletes else F.lit(False)
    superseded = F.lit(False)
    if spec.processing_time:
        superseded = seq < F.max(seq).over(Window.partitionBy(*[_col(k) for k in spec.keys]))
    return ready.select(
        "*",
        seq.alias(SEQ),
        F.lit(BATCH).alias(ORIGIN),
        delete.alias(DELETE),
        (~delete).alias(LIVE_AFTER),
        F.lit(None).cast("timestamp").alias(OLD_TO),
        F.lit(None).cast("boolean").alias(OLD_CURRENT),
        F.lit(None).cast("array<string>").alias(OLD_CHANGED),
        superseded.alias(SUPERSEDED),
    )


def _window(spec: HistorySpec):
    return Window.partitionBy(*[_col(k) for k in spec.keys]).orderBy(_col(SEQ).asc(), _col(ORIGIN).asc())


def _with_previous(frame, spec: HistorySpec, names: list[str]):
    w = _window(spec)
    return frame.select("*", *[F.lag(_col(n)).over(w).alias(_prev(n)) for n in names])


def _drop_helpers(frame):
    return frame.select(*[_col(c) for c in frame.columns if not c.startswith("__cf_prev_")])


def resolve(timeline, spec: HistorySpec):
    """(classified, decided): ``classified`` is the timeline with LATE / EXISTING per batch row;
    ``decided`` holds the surviving rows with their new VALID_TO / IS_CURRENT / CHANGED_COLUMNS,
    REPLACES (a batch version superseding a live version) and OUT_OF_ORDER, plus the ABSORBED stored
    versions (to delete). ``timeline`` should be persisted by the caller (read once per action)."""
    change, other = spec.change_columns, {c: _prev(c) for c in spec.change_columns}
    by_key_all = Window.partitionBy(*[_col(k) for k in spec.keys])
    newest_stored = F.max(F.when(_col(ORIGIN) == STORED, _col(SEQ))).over(by_key_all)
    first = _with_previous(timeline, spec, [ORIGIN, SEQ, DELETE, *change]).withColumn(
        "__cf_newest_stored", newest_stored
    )
    is_batch = (_col(ORIGIN) == BATCH) & ~_col(SUPERSEDED)
    existing = (
        is_batch
        & ~_col(DELETE)
        & (_col(_prev(ORIGIN)) == STORED)
        & _col(_prev(SEQ)).eqNullSafe(_col(SEQ))
        & ~differs(change, other)
    )
    # a key without stored versions has no late rows (the comparison with NULL is NULL, not false)
    late = is_batch & ~existing & F.coalesce(_col(SEQ) < _col("__cf_newest_stored"), F.lit(False))
    first = _drop_helpers(first.withColumn(EXISTING, existing).withColumn(LATE, late))
    first = first.drop("__cf_newest_stored")
    keep = ~_col(EXISTING) & ~_col(SUPERSEDED)
    if spec.late_policy == "ignore":
        keep = keep & ~_col(LATE)
    second = _with_previous(first.where(keep), spec, [LIVE_AFTER, *change])
    prev_live = F.coalesce(_col(_prev(LIVE_AFTER)), F.lit(False))
    noop = (_col(ORIGIN) == BATCH) & F.when(_col(DELETE), ~prev_live).otherwise(
        prev_live & ~differs(change, other)
    )
    second = _drop_helpers(second.withColumn(NOOP, noop))
    survivors = _absorb(second.where(~_col(NOOP)), spec)
    absorbed = survivors.where(_col(ABSORBED)).select(
        *survivors.columns, F.lit(False).alias(OUT_OF_ORDER), F.lit(False).alias(REPLACES)
    )
    decided = _decide(survivors.where(~_col(ABSORBED)), spec)
    return first, decided.unionByName(absorbed)


def _absorb(survivors, spec: HistorySpec):
    """ABSORBED: a stored version right after a late batch version with the same values. The late
    version before it takes over its end: LIVE_AFTER, and VALID_TO / IS_CURRENT when it was ended."""
    change, other = spec.change_columns, {c: _prev(c) for c in spec.change_columns}
    w = _window(spec)
    framed = _with_previous(survivors, spec, [ORIGIN, DELETE, *change])
    absorbed = (
        (_col(ORIGIN) == STORED)
        & F.coalesce((_col(_prev(ORIGIN)) == BATCH) & ~_col(_prev(DELETE)), F.lit(False))
        & ~differs(change, other)
    )
    framed = _drop_helpers(framed.withColumn(ABSORBED, absorbed))
    nxt = {name: F.lead(_col(name)).over(w) for name in (ABSORBED, LIVE_AFTER, VALID_TO, IS_CURRENT)}
    takes_over = F.coalesce(nxt[ABSORBED], F.lit(False))
    ended = takes_over & ~nxt[LIVE_AFTER]
    replaced = {
        LIVE_AFTER: F.when(takes_over, nxt[LIVE_AFTER]).otherwise(_col(LIVE_AFTER)),
        VALID_TO: F.when(ended, nxt[VALID_TO]).otherwise(_col(VALID_TO)),
        IS_CURRENT: F.when(ended, F.lit(False)).otherwise(_col(IS_CURRENT)),
    }
    return framed.select(*[replaced[c].alias(c) if c in replaced else _col(c) for c in framed.columns])


def _decide(survivors, spec: HistorySpec):
    change, other = spec.change_columns, {c: _prev(c) for c in spec.change_columns}
    w = _window(spec)
    framed = _with_previous(survivors, spec, [ORIGIN, LIVE_AFTER, DELETE, VALID_FROM, *change]).select(
        "*",
        F.lead(_col(VALID_FROM)).over(w).alias("__cf_next_from"),
        F.lead(_col(ORIGIN)).over(w).isNotNull().alias("__cf_has_next"),
    )
    stored, has_next = _col(ORIGIN) == STORED, _col("__cf_has_next")
    # a version closed by a delete: a stored one, or a late one that took over an ended version's end
    ended = ~_col(DELETE) & ~_col(IS_CURRENT) & ~_col(LIVE_AFTER)
    valid_to = (
        F.when(ended, _col(VALID_TO))
        .when(has_next, _col("__cf_next_from"))
        .when(stored, _col(VALID_TO))
        .otherwise(F.lit(None).cast("timestamp"))
    )
    is_current = F.when(ended, F.lit(False)).otherwise(~has_next)
    prev_live = F.coalesce(_col(_prev(LIVE_AFTER)), F.lit(False))
    after_late = F.coalesce(_col(_prev(ORIGIN)) == BATCH, F.lit(False))  # a late version now precedes it
    changed = F.when(stored & ~after_late, _col(CHANGED_COLUMNS)).when(
        prev_live, changed_column_names(change, other)
    )
    out_of_order = _col(_prev(VALID_FROM)).isNotNull() & (_col(VALID_FROM) < _col(_prev(VALID_FROM)))
    return _drop_helpers(
        framed.select(
            *[_col(c) for c in framed.columns if c not in (VALID_TO, IS_CURRENT, CHANGED_COLUMNS)],
            valid_to.alias(VALID_TO),
            is_current.alias(IS_CURRENT),
            changed.alias(CHANGED_COLUMNS),
            out_of_order.alias(OUT_OF_ORDER),
            (prev_live & (_col(ORIGIN) == BATCH)).alias(REPLACES),
        )
    ).drop("__cf_next_from", "__cf_has_next")


def moved_condition():
    """A stored version whose valid_to, is_current or changed_columns changes (an UPDATE_OP row)."""
    changed = (
        ~_col(VALID_TO).eqNullSafe(_col(OLD_TO))
        | ~_col(IS_CURRENT).eqNullSafe(_col(OLD_CURRENT))
        | ~_col(CHANGED_COLUMNS).eqNullSafe(_col(OLD_CHANGED))
    )
    return (_col(ORIGIN) == STORED) & ~_col(ABSORBED) & changed


def merge_rows(decided, target_columns: list[str], spec: HistorySpec):
    """The MERGE source: UPDATE_OP rows (stored versions whose validity or changed_columns changed)
    and DELETE_OP rows (absorbed versions), both matched on key and MATCH_FROM, and INSERT_OP rows
    (new versions, with row_hash), one frame."""
    stored = _col(ORIGIN) == STORED
    updates = decided.where(moved_condition() | _col(ABSORBED)).select(
        *[_col(k) for k in spec.keys],
        _col(VALID_FROM).alias(MATCH_FROM),
        _col(VALID_TO),
        _col(IS_CURRENT),
        _col(CHANGED_COLUMNS),
        F.when(_col(ABSORBED), F.lit(DELETE_OP)).otherwise(F.lit(UPDATE_OP)).alias(OP),
    )
    inserts = decided.where(~stored & ~_col(DELETE)).select(
        *[_col(c) for c in target_columns if c != ROW_HASH],
        row_hash_column(spec.change_columns).alias(ROW_HASH),
        F.lit(None).cast("timestamp").alias(MATCH_FROM),
        F.lit(INSERT_OP).alias(OP),
    )
    return inserts.unionByName(updates, allowMissingColumns=True)
