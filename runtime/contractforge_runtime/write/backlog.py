"""Backlogs catch up: several versions of a merge key in one batch are applied in order.

After a missed run, the pending files (or a JDBC / REST backlog) may change one key several times.
For upsert and hash diff the batch is reduced to the latest version of each key before the key
guard, so the run applies the changes in order instead of failing on every retry
(docs/evidence-and-reliability.md#backlogs-and-duplicate-keys). The order is, most significant first:

1. the declared sequence columns (``write.sequence_by``; an incremental JDBC or REST read defaults
   to its watermark column), larger = later, NULL = earliest;
2. the source order of the files: modification time, then path (the reader adds both when it
   reads more than one file).

Two rows of a key with the same order are true duplicates (the same key twice in one file, or
twice with one sequence value): the run still fails, naming the keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from contractforge_runtime.environment.hidden_columns import SOURCE_FILE, SOURCE_MTIME, SOURCE_ORDER
from contractforge_runtime.write.key_check import HASH_DIFF, UPSERT, KeyGuardError

_RANK, _TIE = "__cf_backlog_rank", "__cf_backlog_tie"
_LABEL = {UPSERT: "upsert", HASH_DIFF: "hash_diff_upsert"}


@dataclass
class Backlog:
    df: object  # the batch, one row per key when reduced; source-order columns dropped
    superseded: int = 0  # older versions of a key dropped in favour of a later one
    cached: object | None = None  # the persisted ranked frame (the caller unpersists it)


def sequence_columns(write: dict, columns: list[str], reader_order=()) -> list[str]:
    """Declared sequence columns (all must exist), else the order the reader gave (an incremental
    JDBC or REST read: its watermark column), when preparation kept it."""
    declared = list(write.get("sequence_by") or ())
    missing = [c for c in declared if c not in columns]
    if missing:
        raise KeyGuardError(f"write.sequence_by column(s) {missing} not found; columns are {columns}")
    return declared or [c for c in reader_order if c in columns]


def latest_per_key(df, write: dict, reader_order: list[str] | tuple[str, ...] = ()) -> Backlog:
    """The batch with the latest version of each merge key (upsert / hash diff); other modes and
    batches without an order get the batch back without the source-order columns."""
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    carried = [c for c in SOURCE_ORDER if c in df.columns]
    mode, keys = write.get("mode"), list(write.get("merge_keys") or ())
    if mode not in _LABEL or not keys or any(k not in df.columns for k in keys):
        return Backlog(df.drop(*carried) if carried else df)  # the key guard names what is missing
    # the file order counts when the read spans several files (the reader then adds their times)
    order = sequence_columns(write, df.columns, reader_order) + (carried if SOURCE_MTIME in carried else [])
    if not order:
        return Backlog(df.drop(*carried) if carried else df)
    ordering = [_col(c).desc_nulls_last() for c in order]
    window = Window.partitionBy(*[_col(k) for k in keys]).orderBy(*ordering)
    position = F.struct(*[_col(c) for c in order])
    ranked = df.select(
        "*",
        F.row_number().over(window).alias(_RANK),
        F.coalesce(position == F.lag(position).over(window), F.lit(False)).alias(_TIE),
    ).persist(StorageLevel.MEMORY_AND_DISK_DESER)
    try:
        stats = ranked.agg(
            F.sum(F.col(_TIE).cast("long")).alias("ties"),
            F.sum(((F.col(_RANK) > 1) & ~F.col(_TIE)).cast("long")).alias("superseded"),
        ).first()
        if stats["ties"]:
            raise KeyGuardError(_tie_message(ranked, mode, keys, order, int(stats["ties"])))
    except BaseException:
        ranked.unpersist()
        raise
    latest = ranked.where(F.col(_RANK) == 1).drop(_RANK, _TIE, *carried)
    return Backlog(latest, int(stats["superseded"] or 0), ranked)


def _tie_message(ranked, mode: str, keys: list[str], order: list[str], ties: int) -> str:
    from pyspark.sql import functions as F

    examples = ranked.where(F.col(_TIE)).select(*keys, *order).orderBy(*keys).limit(3).collect()
    shown = "; ".join(_example(row, keys, order) for row in examples)
    where = "within one file" if order[0] in SOURCE_ORDER else "with the same sequence"
    return (
        f"{_LABEL[mode]} source contains duplicate merge_keys {where}: {keys} "
        f"({ties} extra row(s), e.g. {shown})"
    )


def _example(row, keys: list[str], order: list[str]) -> str:
    text = ", ".join(f"{k}={row[k]!r}" for k in keys)
    sequence = [c for c in order if c not in SOURCE_ORDER]
    if sequence:
        text += " at " + ", ".join(f"{c}={row[c]!r}" for c in sequence)
    if SOURCE_FILE in order:
        text += f" in {str(row[SOURCE_FILE]).rsplit('/', 1)[-1]}"
    return text


def _col(name: str):
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")
