"""`snapshot_reconcile_soft_delete` on Iceberg: a complete snapshot reconciled with the target.

One full outer join of the snapshot's keys and compared columns with the target's tags every key:
new → insert; present and active with other values → update; present but inactive → reactivate
(values taken, ``is_active = true``, ``deleted_at = NULL``); active in the target but absent from the
snapshot → soft delete (``is_active = false``, ``deleted_at`` = run time); the rest is unchanged.
Only the tagged rows reach one ``MERGE INTO`` (one commit); nothing tagged → no MERGE, no snapshot.

Guard: a snapshot that would soft-delete more than ``max_delete_ratio`` of the active rows (default
0.5; an empty or truncated extract would otherwise deactivate the table) fails before any write.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pyspark.sql import functions as F

from contractforge_runtime.environment.sql_text import quoted
from contractforge_runtime.write.compare import compared_columns, differs
from contractforge_runtime.write.control_columns import DELETED_AT, IS_ACTIVE, SNAPSHOT, control_columns
from contractforge_runtime.write.hashing import ROW_HASH, row_hash_column
from contractforge_runtime.write.iceberg_tables import quote_identifier
from contractforge_runtime.write.merge_source import merge_source_view

SOFT_DELETE_COLUMNS = tuple(name for name, _ in control_columns(SNAPSHOT))
DEFAULT_MAX_DELETE_RATIO = 0.5
RATIO_SETTING = "extensions.aws.write.max_delete_ratio"
INSERT, UPDATE, REACTIVATE, DELETE = "insert", "update", "reactivate", "delete"
_ACTION, _OP, _T = "__cf_action", "__cf_op", "__cf_t_"


class SnapshotDeleteGuardError(ValueError):
    """The snapshot would soft-delete more of the table than max_delete_ratio allows."""


def _col(name: str):
    return F.col(quoted(name))


def with_soft_delete_columns(df, write: dict):
    """(the snapshot as target rows: is_active, deleted_at, row_hash; the compared columns)."""
    data = df.select(*[_col(c) for c in df.columns if c not in SOFT_DELETE_COLUMNS])
    columns = compared_columns(write, data.columns)
    ready = data.select(
        "*",
        F.lit(True).alias(IS_ACTIVE),
        F.lit(None).cast("timestamp").alias(DELETED_AT),
        row_hash_column(columns).alias(ROW_HASH),
    )
    return ready, columns


def write_soft_delete(ready, write: dict, identifier: str, result, has_data: bool) -> None:
    spark = ready.sparkSession
    keys = list(write["merge_keys"])
    columns = compared_columns(write, [c for c in ready.columns if c not in SOFT_DELETE_COLUMNS])
    metrics = result.operation_metrics
    if not has_data:
        rows = ready.count()
        ready.writeTo(identifier).append()
        result.rows_inserted = result.rows_written = rows
        metrics.update({"rows_unchanged": 0, "rows_reactivated": 0})
        return
    target = spark.table(identifier)
    tagged = _tagged_keys(ready, target, keys, columns).persist()
    try:
        counts = {
            r[_ACTION]: r["n"] for r in tagged.groupBy(_ACTION).agg(F.count(F.lit(1)).alias("n")).collect()
        }
        active = counts.pop("__active", 0)
        _guard(counts.get(DELETE, 0), active, write)
        changed = sum(counts.get(a, 0) for a in (INSERT, UPDATE, REACTIVATE, DELETE))
        metrics.update(
            {
                "rows_unchanged": counts.get("unchanged", 0),
                "rows_reactivated": counts.get(REACTIVATE, 0),
                "active_rows_before": active,
                "max_delete_ratio": _ratio(write),
                "compare_columns": columns,
            }
        )
        result.rows_inserted, result.rows_updated = counts.get(INSERT, 0), counts.get(UPDATE, 0)
        result.rows_deleted, result.rows_written = counts.get(DELETE, 0), changed
        if changed == 0:
            result.status, result.skip_reason = "SKIPPED", "no_snapshot_changes"
            return
        if changed == counts.get(INSERT, 0):
            inserts = tagged.where(_col(_ACTION) == INSERT).select(*[_col(k) for k in keys])
            ready.join(F.broadcast(inserts), keys, "left_semi").writeTo(identifier).append()
            return
        source = _merge_source(ready, tagged, keys)
        with merge_source_view(source, "cf_snapshot_source") as view:
            spark.sql(_merge_sql(identifier, view, target.columns, keys))
    finally:
        tagged.unpersist()


def _ratio(write: dict) -> float:
    value = write.get("max_delete_ratio")
    return DEFAULT_MAX_DELETE_RATIO if value is None else float(value)


def _guard(deletes: int, active: int, write: dict) -> None:
    ratio = _ratio(write)
    if active and deletes / active > ratio:
        raise SnapshotDeleteGuardError(
            f"snapshot_reconcile_soft_delete would soft-delete {deletes} of {active} active row(s) "
            f"({deletes / active:.0%}), above max_delete_ratio {ratio:g} ({RATIO_SETTING}); an empty or "
            "partial extract? The target was not changed. Raise max_delete_ratio (up to 1) when this "
            "many deletions are expected."
        )


def _tagged_keys(ready, target, keys: list[str], columns: list[str]):
    """Keys + action for every key that needs a write, plus one row per active target row tagged
    ``__active`` and per unchanged key tagged ``unchanged`` (counted, never written)."""
    batch = ready.select(*[_col(k) for k in keys], *[_col(c) for c in columns], F.lit(True).alias("__cf_b"))
    stored = target.select(
        *[_col(k).alias(_T + k) for k in keys],
        *[_col(c).alias(_T + c) for c in columns],
        F.coalesce(_col(IS_ACTIVE), F.lit(True)).alias(_T + IS_ACTIVE),
    )
    joined = batch.join(stored, [_col(k) == _col(_T + k) for k in keys], "full_outer")
    in_batch, in_target = F.col("__cf_b").isNotNull(), F.col(_T + IS_ACTIVE).isNotNull()
    active = F.col(_T + IS_ACTIVE)
    action = (
        F.when(~in_batch, F.when(active, F.lit(DELETE)))
        .when(~in_target, F.lit(INSERT))
        .when(~active, F.lit(REACTIVATE))
        .when(differs(columns, {c: _T + c for c in columns}), F.lit(UPDATE))
        .otherwise(F.lit("unchanged"))
    )
    key_columns = [F.coalesce(_col(k), _col(_T + k)).alias(k) for k in keys]
    tagged = joined.select(*key_columns, action.alias(_ACTION), (in_target & active).alias("__cf_active"))
    actions = tagged.where(_col(_ACTION).isNotNull()).select(*[_col(k) for k in keys], _ACTION)
    actives = tagged.where("__cf_active").select(*[_col(k) for k in keys], F.lit("__active").alias(_ACTION))
    return actions.unionByName(actives)


def _merge_source(ready, tagged, keys: list[str]):
    writes = tagged.where(_col(_ACTION).isin(INSERT, UPDATE, REACTIVATE)).select(*[_col(k) for k in keys])
    upserts = ready.join(writes, keys, "left_semi").withColumn(_OP, F.lit("upsert"))
    deleted_at = F.lit(datetime.now(UTC)).cast("timestamp")
    deletes = tagged.where(_col(_ACTION) == DELETE).select(
        *[_col(k) for k in keys],
        F.lit(False).alias(IS_ACTIVE),
        deleted_at.alias(DELETED_AT),
        F.lit(DELETE).alias(_OP),
    )
    return upserts.unionByName(deletes, allowMissingColumns=True)


def _merge_sql(identifier: str, view: str, columns: list[str], keys: list[str]) -> str:
    on = " AND ".join(f"t.{quoted(k)} = s.{quoted(k)}" for k in keys)
    updates = ", ".join(f"t.{quoted(c)} = s.{quoted(c)}" for c in columns if c not in keys)
    insert_columns = ", ".join(quoted(c) for c in columns)
    insert_values = ", ".join(f"s.{quoted(c)}" for c in columns)
    op = f"s.{quoted(_OP)}"
    return (
        f"MERGE INTO {quote_identifier(identifier)} t USING {view} s ON {on} "
        f"WHEN MATCHED AND {op} = 'delete' THEN UPDATE SET t.{IS_ACTIVE} = false, t.{DELETED_AT} = s.{DELETED_AT} "
        f"WHEN MATCHED AND {op} = 'upsert' THEN UPDATE SET {updates} "
        f"WHEN NOT MATCHED AND {op} = 'upsert' THEN INSERT ({insert_columns}) VALUES ({insert_values})"
    )
