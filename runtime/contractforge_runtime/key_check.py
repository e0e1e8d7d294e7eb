"""Merge-key guards, and the key classification the upsert / hash-diff counts come from.

One aggregation per batch answers every question the merge modes ask about their keys: how many
rows the batch has, rows with a NULL key, key values on several rows and, when the target already
has data, which keys are new (insert), present with another row hash (update) or present with the
same hash (unchanged). The guard runs before quality (reference §2.9: the key guard comes before
quarantine); the write reuses the classification when quality kept every row, so a run shuffles
the batch by key once instead of once for the guard and once for the diff.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import functions as F

from contractforge_runtime.hashing import ROW_HASH, with_row_hash
from contractforge_runtime.iceberg_tables import current_snapshot, table_exists

UPSERT, HASH_DIFF = "scd1_upsert", "scd1_hash_diff"
MERGE_MODES = (UPSERT, HASH_DIFF)
PUBLIC_NAMES = {UPSERT: "upsert", HASH_DIFF: "hash_diff_upsert"}
ACTION = "__cf_action"
INSERT, UPDATE, UNCHANGED = "insert", "update", "unchanged"
_ROWS, _NULL, _RANK = "__cf_rows", "__cf_null", "__cf_rank"
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
    compared_hash: bool  # False: every present key counts as an update (plain upsert)

    def candidate_keys(self):
        """The keys MERGE has to see: new or changed."""
        return self.per_key.where(F.col(ACTION) != UNCHANGED).select(*[_col(k) for k in self.keys])

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
    """Upsert / hash diff only: every merge key present, never NULL, unique in the batch.

    Returns the batch's row count and, when ``identifier`` names a target that has data, the key
    classification against it (None for modes without keys). Raises KeyGuardError naming the keys.
    """
    mode, keys = write.get("mode"), list(write.get("merge_keys") or [])
    if mode not in MERGE_MODES:
        return None
    label = PUBLIC_NAMES[mode]
    if not keys:
        raise KeyGuardError(f"{label} needs merge_keys")
    missing = [k for k in keys if k not in df.columns]
    if missing:
        raise KeyGuardError(f"{label} source is missing merge_keys: {missing}; columns are {df.columns}")
    any_null = F.lit(False)
    for key in keys:
        any_null = any_null | _col(key).isNull()
    classify = identifier is not None and table_exists(df.sparkSession, identifier)
    classify = classify and current_snapshot(df.sparkSession, identifier) is not None
    if classify:
        compare_hash = mode == HASH_DIFF
        if compare_hash:
            df = with_row_hash(df, write, preparation)[0]
        per_key = _classified_keys(df, identifier, keys, compare_hash)
    else:
        per_key = df.groupBy(*[_col(k) for k in keys]).agg(F.count(F.lit(1)).alias(_ROWS))
    per_key = per_key.withColumn(_NULL, any_null)
    if not classify:
        stats = per_key.agg(*_stat_columns(classified=False)).first().asDict()
        _raise_if_refused(label, keys, per_key, stats)
        return KeyCheck(rows=int(stats["rows"] or 0))
    # Only the keys that matter (new, changed, NULL or duplicated) are kept, the unchanged majority
    # is not stored; the batch's row count comes from the batch itself (cached by the runner).
    kept = per_key.where((F.col(ACTION) != UNCHANGED) | F.col(_NULL) | (F.col(_ROWS) > 1)).persist()
    try:
        stats = kept.agg(*_stat_columns(classified=True)).first().asDict()
        stats["rows"] = source_rows = df.count()
        _raise_if_refused(label, keys, kept, stats)
    except BaseException:
        kept.unpersist()
        raise
    counts = {INSERT: int(stats[INSERT] or 0), UPDATE: int(stats[UPDATE] or 0)}
    counts[UNCHANGED] = source_rows - counts[INSERT] - counts[UPDATE]
    return KeyCheck(source_rows, KeyClassification(kept, keys, counts, compare_hash))


def _classified_keys(df, identifier: str, keys: list[str], compare_hash: bool):
    """(keys, rows, ACTION) per source key value, from one join of the batch's keys with the target's.

    Only narrow columns move, and the aggregation by key keeps the join's partitioning (no second
    shuffle). Every aggregate is numeric so Spark can hash-aggregate (a string MIN/FIRST would sort).
    """
    target = df.sparkSession.table(identifier)  # one catalog lookup for the columns and the scan
    with_hash = compare_hash and ROW_HASH in set(target.columns)
    wanted = [_col(k).alias(f"__cf_t_{k}") for k in keys]
    if with_hash:
        wanted.append(F.col(ROW_HASH).alias("__cf_t_hash"))
    existing = target.select(*wanted, F.lit(True).alias("__cf_t_present"))
    narrow = df.select(*[_col(k) for k in keys], *([F.col(ROW_HASH)] if with_hash else []))
    condition = [_col(k) == F.col(f"__cf_t_{k}") for k in keys]
    unchanged = F.col("__cf_t_hash") == F.col(ROW_HASH) if with_hash else F.lit(False)
    rank = F.when(F.col("__cf_t_present").isNull(), 0).when(unchanged, 1).otherwise(2)
    joined = narrow.join(existing, condition, "left").select(
        *[_col(k) for k in keys], F.col("__cf_t_present"), rank.alias(_RANK)
    )
    # Each source row of a key appears once per matching target row (once when none match), so
    # joined rows / target matches is the key's source row count even if the target holds the key
    # several times (a table appended to before); the strongest action wins.
    per_key = joined.groupBy(*[_col(k) for k in keys]).agg(
        F.count(F.lit(1)).alias("__cf_joined"),
        F.count("__cf_t_present").alias("__cf_matches"),
        F.max(_RANK).alias(_RANK),
    )
    rows = F.expr("__cf_joined div greatest(__cf_matches, 1)")
    action = F.element_at(F.create_map(*[F.lit(x) for pair in _RANKED.items() for x in pair]), F.col(_RANK))
    return per_key.select(*[_col(k) for k in keys], rows.alias(_ROWS), action.alias(ACTION))


def _stat_columns(classified: bool) -> list:
    """Rows, NULL-key rows, duplicate keys and (classified) rows per action, over the per-key frame."""
    rows, null = F.col(_ROWS), F.col(_NULL)
    columns = [
        F.sum(rows).alias("rows"),
        F.sum(F.when(null, rows).otherwise(0)).alias("null_rows"),
        F.sum(F.when(~null & (rows > 1), 1).otherwise(0)).alias("duplicate_keys"),
    ]
    if classified:
        columns += [F.sum(F.when(F.col(ACTION) == a, rows).otherwise(0)).alias(a) for a in (INSERT, UPDATE)]
    return columns


def _raise_if_refused(label: str, keys: list[str], per_key, stats) -> None:
    if stats["null_rows"]:
        raise KeyGuardError(
            f"{label} source contains null merge_keys: {keys} ({stats['null_rows']} row(s) with a NULL key)",
            rows=stats["rows"],
        )
    if stats["duplicate_keys"]:
        duplicates = per_key.where(F.col(_ROWS) > 1)
        examples = duplicates.orderBy(F.col(_ROWS).desc(), *[_col(k) for k in keys]).limit(3).collect()
        shown = "; ".join(
            ", ".join(f"{k}={row[k]!r}" for k in keys) + f" ({row[_ROWS]} rows)" for row in examples
        )
        raise KeyGuardError(
            f"{label} source contains duplicate merge_keys: {keys} "
            f"({stats['duplicate_keys']} key value(s) on several rows, e.g. {shown})",
            rows=stats["rows"],
        )
