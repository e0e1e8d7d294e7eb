"""row_hash for hash-diff upserts (docs/writes.md; the original's AWS semantics kept exactly).

Hash = sha2(concat_ws('\\x1f', coalesce(cast(c as string), '\\x00') ...), 256) over the hash input
columns in declared order. Excluded: merge keys, hash_exclude_columns, generated control columns and
every derive / composite_keys output (so a derived column never triggers an update by itself).
"""

from __future__ import annotations

ROW_HASH = "row_hash"
GENERATED_COLUMNS = frozenset(
    {
        "__run_id",
        "changed_columns",
        "deleted_at",
        "ingestion_date",
        "ingestion_sequence",
        "ingestion_ts_utc",
        "is_active",
        "is_current",
        "row_hash",
        "source_loaded_at",
        "source_loaded_at_utc",
        "valid_from",
        "valid_to",
    }
)
SEPARATOR = "\x1f"
NULL_MARKER = "\x00"


class HashInputError(ValueError):
    """The hash input columns are missing or empty: the job fails (docs/writes.md)."""


def hash_input_columns(columns: list[str], write: dict, preparation: dict | None = None) -> list[str]:
    """The columns hashed, in order: explicit hash_keys, or every current column (all_columns_except)."""
    preparation = preparation or {}
    excluded = set(write.get("merge_keys") or []) | set(write.get("hash_exclude_columns") or [])
    excluded |= (
        GENERATED_COLUMNS
        | set(preparation.get("derive") or {})
        | set(preparation.get("composite_keys") or {})
    )
    if write.get("hash_strategy", "explicit") == "explicit":
        candidates = list(write.get("hash_keys") or [])
        missing = [c for c in candidates if c not in columns]
        if missing:
            raise HashInputError(
                f"hash_keys not found in the prepared data: {missing}; columns are {columns}"
            )
    else:
        candidates = list(columns)
    selected = [c for c in candidates if c not in excluded]
    if not selected:
        raise HashInputError(
            f"no hash input columns left after excluding merge keys, hash_exclude_columns, derived and "
            f"generated columns (candidates were {candidates})"
        )
    return selected


def row_hash_column(columns: list[str]):
    """The pyspark Column computing row_hash over ``columns``."""
    from pyspark.sql import functions as F

    parts = [F.coalesce(F.col(f"`{c}`").cast("string"), F.lit(NULL_MARKER)) for c in columns]
    return F.sha2(F.concat_ws(SEPARATOR, *parts), 256)


def with_row_hash(df, write: dict, preparation: dict | None = None):
    """(df with a row_hash column, the hash input columns)."""
    columns = hash_input_columns([c for c in df.columns if c != ROW_HASH], write, preparation)
    return df.withColumn(ROW_HASH, row_hash_column(columns)), columns
