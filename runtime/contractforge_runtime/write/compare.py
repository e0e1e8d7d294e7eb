"""Row comparison by value: which of the compared columns differ between two versions of a row.

Null-safe (``NOT (a <=> b)``), so NULL → NULL is no change and a column added by the schema policy
(NULL in every stored row) makes a difference only where the new value is not NULL. Used instead of
a stored row hash by upsert, history and snapshot soft delete: a stored hash would change for every
row the day a column is added.
"""

from __future__ import annotations

from pyspark.sql import functions as F

from contractforge_runtime.write.hashing import GENERATED_COLUMNS


def _col(name: str):
    return F.col("`" + name.replace("`", "``") + "`")


def differs(columns: list[str], other: dict[str, str]):
    """True where any of ``columns`` differs from its counterpart column named ``other[c]``."""
    condition = F.lit(False)
    for column in columns:
        condition = condition | ~_col(column).eqNullSafe(_col(other[column]))
    return condition


def changed_column_names(columns: list[str], other: dict[str, str]):
    """array<string> of the names of ``columns`` that differ from ``other[c]`` (declared order)."""
    names = [F.when(~_col(c).eqNullSafe(_col(other[c])), F.lit(c)) for c in columns]
    return F.filter(F.array(*names), lambda name: name.isNotNull()) if names else F.array()


def compared_columns(write: dict, columns: list[str]) -> list[str]:
    """The columns upsert and snapshot soft delete compare: the declared ``compare_columns``, else
    every column minus merge keys, ``hash_exclude_columns`` and the generated control columns."""
    declared = list(write.get("compare_columns") or [])
    if declared:
        missing = [c for c in declared if c not in columns]
        if missing:
            raise ValueError(
                f"compare_columns {missing} not found in the prepared data; columns are {columns}"
            )
        return declared
    excluded = set(write.get("merge_keys") or []) | set(write.get("hash_exclude_columns") or [])
    return [c for c in columns if c not in excluded | GENERATED_COLUMNS]
