"""What a `historical` (SCD2) write compares and orders by, read from the run plan's write block.

Reference §1.6: valid_from comes from ``scd2_effective_from_column`` (cast to timestamp), else the
run time; the change columns default to every column minus the merge keys and
``hash_exclude_columns``. Here also minus the generated control columns and the effective-from /
sequence columns themselves: a re-extract that only moves ``updated_at`` is not a new version.
Rows of one key are ordered by ``scd2_sequence_by``, else by the effective-from column; with
neither, a batch may hold each key once (the run time cannot order two rows). With a sequence but
no effective-from column the history is in processing time: every row of a batch would start at
the same run time, so only a key's newest row (by sequence) is applied; its older rows of the batch
are superseded (``scd2_superseded_rows``), never versions of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pyspark.sql import functions as F

from contractforge_runtime.write.control_columns import (  # noqa: F401 - HISTORICAL: public here
    CHANGED_COLUMNS,
    HISTORICAL,
    IS_CURRENT,
    VALID_FROM,
    VALID_TO,
    control_columns,
)
from contractforge_runtime.write.hashing import GENERATED_COLUMNS, ROW_HASH, row_hash_column

HISTORY_COLUMNS = tuple(name for name, _ in control_columns(HISTORICAL))
LATE_POLICIES = ("apply", "ignore", "reject")


class HistorySpecError(ValueError):
    """The historical write block names columns the prepared data does not have."""


@dataclass(frozen=True)
class HistorySpec:
    keys: list[str]
    change_columns: list[str]
    effective_from: str | None
    sequence_by: str | None
    late_policy: str
    deletes: str | None  # scd2_apply_as_deletes: SQL predicate over the source row

    @property
    def processing_time(self) -> bool:
        """Ordered by ``scd2_sequence_by`` but valid from the run time: one version per key and run."""
        return bool(self.sequence_by) and not self.effective_from

    @property
    def order_column(self) -> str | None:
        """The source column ordering a key's rows (None: one row per key, run time)."""
        return self.sequence_by or self.effective_from


def history_spec(write: dict, columns: list[str]) -> HistorySpec:
    """The spec for a frame with ``columns`` (control columns, if present, are ignored)."""
    data_columns = [c for c in columns if c not in HISTORY_COLUMNS]
    keys = list(write.get("merge_keys") or [])
    effective, sequence = write.get("scd2_effective_from_column"), write.get("scd2_sequence_by")
    late_policy = write.get("scd2_late_arriving_policy") or "apply"
    if late_policy not in LATE_POLICIES:
        raise HistorySpecError(f"scd2_late_arriving_policy {late_policy!r}: expected one of {LATE_POLICIES}")
    named = {"merge_keys": keys, "scd2_effective_from_column": [effective], "scd2_sequence_by": [sequence]}
    declared = list(write.get("scd2_change_columns") or [])
    named["scd2_change_columns"] = declared
    for field, names in named.items():
        missing = [n for n in names if n and n not in data_columns]
        if missing:
            raise HistorySpecError(
                f"historical: {field} {missing} not found in the prepared data; columns are {data_columns}"
            )
    if declared:
        change = [c for c in declared if c not in keys]
    else:
        excluded = set(keys) | set(write.get("hash_exclude_columns") or []) | GENERATED_COLUMNS
        excluded |= {effective, sequence}
        change = [c for c in data_columns if c not in excluded]
    if not change:
        raise HistorySpecError(
            "historical: no change columns left after excluding merge keys, hash_exclude_columns, "
            f"control columns and the effective-from/sequence columns (columns are {data_columns})"
        )
    return HistorySpec(keys, change, effective, sequence, late_policy, write.get("scd2_apply_as_deletes"))


def guard_keys(write: dict) -> list[str]:
    """The columns that must be non-NULL and unique together in a batch: the merge keys plus the
    ordering column when there is one (several changes of a key are then several versions)."""
    keys = list(write.get("merge_keys") or [])
    order = write.get("scd2_sequence_by") or write.get("scd2_effective_from_column")
    return keys + [order] if order and keys else keys


def with_history_columns(df, write: dict):
    """(the batch as history rows: valid_from, open valid_to, is_current, row_hash, changed_columns;
    the change columns). valid_from is the effective-from column, else one run time for the batch."""
    spec = history_spec(write, df.columns)
    data = df.select(*[F.col(f"`{c}`") for c in df.columns if c not in HISTORY_COLUMNS])
    if spec.effective_from:
        valid_from = F.col(f"`{spec.effective_from}`").cast("timestamp")
    else:
        valid_from = F.lit(datetime.now(UTC)).cast("timestamp")
    ready = data.select(
        "*",
        valid_from.alias(VALID_FROM),
        F.lit(None).cast("timestamp").alias(VALID_TO),
        F.lit(True).alias(IS_CURRENT),
        row_hash_column(spec.change_columns).alias(ROW_HASH),
        F.lit(None).cast("array<string>").alias(CHANGED_COLUMNS),
    )
    return ready, spec.change_columns
