"""``ctrl_ingestion_state``: the latest row per target is the target's current state.

Watermarks only move forward after a committed write: a failed or skipped run records its
candidate (``last_watermark_candidate``) but carries the previous ``watermark_value`` forward.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from contractforge_runtime.evidence.schema import STATE

_IDS = ("parent_run_id", "run_group_id", "master_job_id", "master_run_id")
# Every state row's commit carries ``contractforge.state.<target>: <its input_snapshots_json>`` in its
# snapshot summary: the upstream check (run/upstream.py) sees that an input moved without a Spark job.
TAG_FAMILY = "contractforge.state."


def commit_properties(row: dict) -> dict[str, str]:
    return {TAG_FAMILY + row["target_table"]: row.get("input_snapshots_json") or ""}


def recorded_snapshots(store, target_table: str) -> str | None:
    """The ``input_snapshots_json`` of the target's latest state row from the table metadata ('' when
    that row has none), or None when the metadata cannot tell (then read the rows)."""
    return store.snapshot_property(STATE, TAG_FAMILY + target_table, TAG_FAMILY)


def latest_state(store, target_table: str) -> dict | None:
    """The newest state row of the target (by last_updated_at_utc), or None."""
    from pyspark.sql import functions as F

    row = (
        store.read(STATE)
        .filter(F.col("target_table") == target_table)
        .orderBy(F.col("last_updated_at_utc").desc_nulls_last(), F.col("last_run_id").desc_nulls_last())
        .limit(1)
        .collect()
    )
    if not row:
        return None
    # pyspark hands TIMESTAMPs back as naive local-zone datetimes: make them explicit UTC.
    return {k: (v.astimezone(UTC) if isinstance(v, datetime) else v) for k, v in row[0].asDict().items()}


def build_state_row(
    target_table: str,
    run_id: str,
    status: str,
    previous: dict | None = None,
    rows_written: int | None = None,
    write_committed: bool = False,
    watermark: dict | None = None,
    table_version: str | None = None,
    error_message: str | None = None,
    ids: dict[str, Any] | None = None,
    now: datetime | None = None,
    input_snapshots: dict | None = None,
) -> dict:
    """The state row a run appends. ``watermark`` is the SourceResult's {"column", "previous", "current"};
    ``input_snapshots`` what the run read (upstream.consumed), kept only when the run completed."""
    now = now or datetime.now(UTC)
    previous = previous or {}
    watermark = watermark or {}
    advanced = status == "SUCCESS" and write_committed
    candidate = watermark.get("current")
    if advanced and candidate is not None:
        watermark_value = candidate
    else:
        watermark_value = previous.get("watermark_value", watermark.get("previous"))
    succeeded = status == "SUCCESS" or (status == "SKIPPED" and not error_message)
    row = {
        "target_table": target_table,
        "watermark_column": watermark.get("column") or previous.get("watermark_column"),
        "watermark_value": _text(watermark_value),
        "last_success_at_utc": now if succeeded else previous.get("last_success_at_utc"),
        "last_run_id": run_id,
        "last_status": status,
        "last_rows_written": rows_written,
        "last_error_message": error_message,
        "last_table_version": table_version if advanced else previous.get("last_table_version"),
        # the operations guide's name for the same snapshot id
        "last_delta_version": table_version if advanced else previous.get("last_table_version"),
        "last_write_completed_at_utc": now if advanced else previous.get("last_write_completed_at_utc"),
        "last_watermark_candidate": _text(candidate),
        "last_updated_at_utc": now,
        "input_snapshots_json": (
            _text(input_snapshots)
            if succeeded and input_snapshots is not None
            else previous.get("input_snapshots_json")
        ),
    }
    row.update({name: (ids or {}).get(name) for name in _IDS})
    return row


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, sort_keys=True, default=str)
    return str(value)
