"""Merge-key guards, and the key classification the upsert / hash-diff counts come from.

One aggregation per batch answers every question the merge modes ask about their keys: how many
rows the batch has, rows with a NULL key, key values on several rows and, when the target already
has data, which keys are new (insert), present with another row hash (update) or present with the
same hash (unchanged). The guard runs before quality (the reference puts the key guard before
quarantine); the write reuses the classification when quality kept every row, so a run shuffles
the batch by key once instead of once for the guard and once for the diff.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import functions as F

from contractforge_runtime.environment.frames import detached
from contractforge_runtime.write.compare import compared_columns, differs
from contractforge_runtime.write.hashing import ROW_HASH, with_row_hash
from contractforge_runtime.write.history_spec import HISTORICAL, guard_keys
from contractforge_runtime.write.iceberg_tables import current_snapshot, merge_on_read, table_exists

UPSERT, HASH_DIFF, SNAPSHOT = "scd1_upsert", "scd1_hash_diff", "snapshot_soft_delete"
MERGE_MODES = (UPSERT, HASH_DIFF)
# Modes whose batch keys are guarded (never NULL, unique); only the merge modes are classified here.
PUBLIC_NAMES = {
    UPSERT: "upsert",
    HASH_DIFF: "hash_diff_upsert",
    SNAPSHOT: "snapshot_reconcile_soft_delete",
    HISTORICAL: "historical",
}
ACTION = "__cf_action"
INSERT, UPDATE, UNCHANGED = "insert", "update", "unchanged"
_ROWS, _NULL, _DUP, _RANK = "__cf_rows", "__cf_null", "__cf_dup", "__cf_rank"
# Candidate keys up to this many rows are broadcast when joined back to the batch (a few MB).
BROADCAST_KEYS_LIMIT = 2_000_000
_RANKED = {0: INSERT, 1: UNCHANGED, 2: UPDATE}  # a key matching several target rows: the strongest wins


class KeyGuardError(ValueError):
    """Merge keys missing, NULL or duplicated in the source: the run fails before any write."""

    def __init__(self, message: str, rows: int | None = None):
        super().__init__(message)
        self.rows = rows  # rows in the batch, when the guard got as far as counting them


@dataclass
class KeyClassification:
    """Per key of the batch: insert / update / unchanged against the target as the guard saw it."""

    per_key: object  # persisted DataFrame: merge keys + ACTION of the new and changed keys only
    keys: list[str]
    counts: dict[str, int]  # rows per action
    compared_hash: bool  # unchanged keys told apart (hash diff: row_hash; upsert: values); False: all updates

    def candidate_keys(self):
        """The keys MERGE has to see: new or changed, read from the persisted frame.

        Handed over without their lineage: it holds source row ids (monotonically_increasing_id),
        and copy-on-write MERGE plans its source into a file filter that must be deterministic.
        """
        return detached(self.per_key.where(F.col(ACTION) != UNCHANGED).select(*[_col(k) for k in self.keys]))

    def changed_rows(self, df):
        """The batch narrowed to the rows MERGE has to see. Done before the row hash is added, so
        only those rows are hashed again (Spark does not push the semi join below the hash)."""
        keys = self.candidate_keys()
        if self.counts[INSERT] + self.counts[UPDATE] <= BROADCAST_KEYS_LIMIT:
            keys = F.broadcast(keys)
        return df.join(keys, self.keys, "left_semi")

    def release(self) -> None:
        self.per_key.unpersist()


@dataclass
class KeyCheck:
    rows: int
    classification: KeyClassification | None = None


def _col(name: str):
    return F.col(f"`{name}`")


def check_merge_keys(
    df, write: dict, identifier: str | None = None, preparation: dict | None = None
) -> KeyCheck | None:
    """Keyed modes: every merge key present, never NULL, unique in the batch (historical: unique
    with its ordering column, so several changes of a key are several versions).

    Returns the batch's row count and, for upsert / hash diff when ``identifier`` names a
    copy-on-write target that has data, the key classification against it (None for modes
    without keys). Raises KeyGuardError naming the keys.
    """
    mode = write.get("mode")
    if mode not in PUBLIC_NAMES:
        return None
    keys = guard_keys(write) if mode == HISTORICAL else list(write.get("merge_keys") or [])
    label = PUBLIC_NAMES[mode]
    if not keys:
        raise KeyGuardError(f"{label} needs merge_keys")
    missing = [k for k in keys if k not in df.columns]
    if missing:
        raise KeyGuardError(f"{label} source is missing merge_keys: {missing}; columns are {df.columns}")
    any_null = F.lit(False)
    for key in keys:
        any_null = any_null | _col(key).isNull()
    classify = mode in MERGE_MODES and identifier is not None and table_exists(df.sparkSession, identifier)
    classify = classify and current_snapshot(df.sparkSession, identifier) is not None
    # A merge-on-read target counts inserts and updates from the MERGE's own commit (writes.py):
    # the guard then needs only the batch, and the target is joined once, by MERGE.
    classify = classify and not merge_on_read(df.sparkSession, identifier)
    by_key = df.groupBy(*[_col(k) for k in keys]).agg(F.count(F.lit(1)).alias(_ROWS))
    if not classify:
        per_key = by_key.withColumn(_NULL, any_null).withColumn(_DUP, F.col(_ROWS) > 1)
        stats = per_key.agg(*_stat_columns(classified=False)).first().asDict()
        _raise_if_refused(label, keys, by_key, stats)
        return KeyCheck(rows=int(stats["rows"] or 0))
    compare_hash = mode == HASH_DIFF
    compare = None if compare_hash else compared_columns(write, df.columns)
    hashed = with_row_hash(df, write, preparation)[0] if compare_hash else df
    kept, stats = _classify(hashed, identifier, keys, compare_hash, compare)
    try:
        stats["rows"] = df.count()  # the batch itself (cached by the runner): cheap, and exact
        _raise_if_refused(label, keys, by_key, stats)
    except BaseException:
        kept.unpersist()
        raise
    return KeyCheck(stats["rows"], _classification(kept, keys, True, stats))


def classify(
    df,
    identifier: str,
    keys: list[str],
    compare_hash: bool,
    rows: int | None = None,
    compare_columns: list[str] | None = None,
):
    """The key classification of a batch whose keys were already guarded (e.g. the rows quality
    kept), against a target that has data. ``df`` carries ``row_hash`` when ``compare_hash``;
    otherwise ``compare_columns`` (upsert) are compared by value."""
    kept, stats = _classify(df, identifier, keys, compare_hash, compare_columns)
    stats["rows"] = rows if rows is not None else df.count()
    return _classification(kept, keys, compare_hash or compare_columns is not None, stats)


def _classify(hashed, identifier: str, keys: list[str], compare_hash: bool, compare_columns=None):
    """(persisted frame of the keys that matter, their stats): one job."""
    any_null = F.lit(False)
    for key in keys:
        any_null = any_null | _col(key).isNull()
    per_key = _classified_keys(hashed, identifier, keys, compare_hash, compare_columns)
    per_key = per_key.withColumn(_NULL, any_null)
    # Only the keys that matter (new, changed, NULL or duplicated) are kept, the unchanged majority
    # is not stored; the batch's row count comes from the batch itself.
    kept = per_key.where((F.col(ACTION) != UNCHANGED) | F.col(_NULL) | F.col(_DUP)).persist()
    try:
        return kept, kept.agg(*_stat_columns(classified=True)).first().asDict()
    except BaseException:
        kept.unpersist()
        raise


def _classification(kept, keys: list[str], compare_hash: bool, stats: dict) -> KeyClassification:
    counts = {INSERT: int(stats[INSERT] or 0), UPDATE: int(stats[UPDATE] or 0)}
    counts[UNCHANGED] = int(stats["rows"] or 0) - counts[INSERT] - counts[UPDATE]
    return KeyClassification(kept, keys, counts, compare_hash)


def _classified_keys(df, identifier: str, keys: list[str], compare_hash: bool, compare_columns=None):
    """(keys, rows, duplicated, ACTION) per source key value, from one join of the batch's keys with
    the target's.

    Only narrow columns move, and the aggregation by key keeps the join's partitioning (no second
    shuffle). Every aggregate is numeric so Spark can hash-aggregate (a string MIN/FIRST would sort).
    """
    target = df.sparkSession.table(identifier)  # one catalog lookup for the columns and the scan
    with_hash = compare_hash and ROW_HASH in set(target.columns)
    wanted = [_col(k).alias(f"__cf_t_{k}") for k in keys]
    if with_hash:
        wanted.append(F.col(ROW_HASH).alias("__cf_t_hash"))
    # upsert: compared by value; a column the target does not have yet (schema policy adds it
    # later) is a change only where the batch has a value
    stored = [c for c in compare_columns or () if c in set(target.columns)]
    new_only = [c for c in compare_columns or () if c not in set(target.columns)]
    wanted += [_col(c).alias(f"__cf_t_{c}") for c in stored]
    existing = target.select(*wanted, F.lit(True).alias("__cf_t_present"))
    # A row id tells a key given by several source rows from a key the target holds several times
    # (a table appended to before): both multiply the joined rows.
    narrow = df.select(
        *[_col(k) for k in keys],
        *([F.col(ROW_HASH)] if with_hash else []),
        *[_col(c) for c in stored + new_only],
        F.monotonically_increasing_id().alias("__cf_sid"),
    )
    condition = [_col(k) == F.col(f"__cf_t_{k}") for k in keys]
    if with_hash:
        unchanged = F.col("__cf_t_hash") == F.col(ROW_HASH)
    elif compare_columns is not None:
        unchanged = ~differs(stored, {c: f"__cf_t_{c}" for c in stored})
        for column in new_only:
            unchanged = unchanged & _col(column).isNull()
    else:
        unchanged = F.lit(False)
    rank = F.when(F.col("__cf_t_present").isNull(), 0).when(unchanged, 1).otherwise(2)
    joined = narrow.join(existing, condition, "left").select(
        *[_col(k) for k in keys], "__cf_sid", rank.alias(_RANK)
    )
    per_key = joined.groupBy(*[_col(k) for k in keys]).agg(
        F.count(F.lit(1)).alias(_ROWS),  # exact for unique and NULL keys (NULL never matches)
        (F.min("__cf_sid") != F.max("__cf_sid")).alias(_DUP),
        F.max(_RANK).alias(_RANK),  # a key the target holds several times: the strongest action wins
    )
    action = F.element_at(F.create_map(*[F.lit(x) for pair in _RANKED.items() for x in pair]), F.col(_RANK))
    return per_key.select(*[_col(k) for k in keys], _ROWS, _DUP, action.alias(ACTION))


def _stat_columns(classified: bool) -> list:
    """Rows, NULL-key rows, duplicate keys and (classified) unique keys per action, per-key frame."""
    rows, null, dup = F.col(_ROWS), F.col(_NULL), F.col(_DUP)
    columns = [
        F.sum(rows).alias("rows"),
        F.sum(F.when(null, rows).otherwise(0)).alias("null_rows"),
        F.sum(F.when(~null & dup, 1).otherwise(0)).alias("duplicate_keys"),
    ]
    if classified:
        unique = ~null & ~dup
        columns += [
            F.sum(F.when(unique & (F.col(ACTION) == a), 1).otherwise(0)).alias(a) for a in (INSERT, UPDATE)
        ]
    return columns


def _raise_if_refused(label: str, keys: list[str], by_key, stats) -> None:
    """``by_key``: the batch's (keys, rows) aggregation, read again only to show duplicate examples."""
    if stats["null_rows"]:
        raise KeyGuardError(
            f"{label} source contains null merge_keys: {keys} ({stats['null_rows']} row(s) with a NULL key)",
            rows=stats["rows"],
        )
    if stats["duplicate_keys"]:
        duplicates = by_key.where(F.col(_ROWS) > 1)
        examples = duplicates.orderBy(F.col(_ROWS).desc(), *[_col(k) for k in keys]).limit(3).collect()
        shown = "; ".join(
            ", ".join(f"{k}={row[k]!r}" for k in keys) + f" ({row[_ROWS]} rows)" for row in examples
        )
        raise KeyGuardError(
            f"{label} source contains duplicate merge_keys: {keys} "
            f"({stats['duplicate_keys']} key value(s) on several rows, e.g. {shown})",
            rows=stats["rows"],
        )
