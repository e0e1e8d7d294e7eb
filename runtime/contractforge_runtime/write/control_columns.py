"""The control columns each write mode adds to its target (names and Spark SQL types).

Pure data (no Spark import): the compiler's DDL renderers read it too.
"""

from __future__ import annotations

HISTORICAL, SNAPSHOT, HASH_DIFF = "scd2_historical", "snapshot_soft_delete", "scd1_hash_diff"
VALID_FROM, VALID_TO, IS_CURRENT, CHANGED_COLUMNS = "valid_from", "valid_to", "is_current", "changed_columns"
IS_ACTIVE, DELETED_AT, ROW_HASH = "is_active", "deleted_at", "row_hash"

CONTROL_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    HISTORICAL: (
        (VALID_FROM, "timestamp"),
        (VALID_TO, "timestamp"),
        (IS_CURRENT, "boolean"),
        (ROW_HASH, "string"),
        (CHANGED_COLUMNS, "array<string>"),
    ),
    SNAPSHOT: ((IS_ACTIVE, "boolean"), (DELETED_AT, "timestamp"), (ROW_HASH, "string")),
    HASH_DIFF: ((ROW_HASH, "string"),),
}
CURRENT_VIEW_SUFFIX = "_current"  # historical targets: <table>_current holds the rows with is_current


def control_columns(mode: str) -> tuple[tuple[str, str], ...]:
    """(name, type) of the columns ``mode`` adds after the prepared data's columns."""
    return CONTROL_COLUMNS.get(mode, ())
