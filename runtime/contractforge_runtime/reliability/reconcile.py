"""Target commits without evidence, found by the run id in their snapshot summary and reconciled.

Every target commit carries ``contractforge.run_id`` (write/commit_properties.py). A run killed
after its target commit but before its runs row (or whose evidence store failed then) leaves a
snapshot whose run id has no SUCCESS / SKIPPED row in ``ctrl_ingestion_runs``. The next run of the
target, holding its lock (so that writer is provably gone), calls ``reconcile``:

- a back-filled runs row: status SUCCESS (the commit landed), ``metrics_source`` =
  ``reconciled_from_snapshot``, rows and snapshot ids from the snapshot summary, the reconciling
  run named in ``error_message``;
- the processed-files ledger rows the commit consumed (``contractforge.files``), so those files are
  not read and written a second time;
- a state row recording the commit (and the watermark it reached, ``contractforge.watermark``)
  unless the state already names that run;
- for a dead lock holder this run took over (or whose lock expired) that committed nothing and
  recorded nothing: a FAILED runs row, ``metrics_source`` = ``abandoned_run``.

Only the newest ``MAX_SNAPSHOTS`` snapshots are looked at (metadata through the Java API). The runs
table is read (one small filtered read) only when its own metadata does not show the newest commit's
run recorded (the ``contractforge.recorded.<target>`` tag of its runs-row commit) or a dead holder
was taken over; the state is read only when something is to be healed. ``orphans`` is also what
``contractforge audit`` reports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from contractforge_runtime.environment import iceberg_java
from contractforge_runtime.evidence import schema as evidence_tables
from contractforge_runtime.evidence import state as state_rows
from contractforge_runtime.evidence.commit_tags import (
    FILES_PROPERTY,
    RECORDED_FAMILY,
    RUN_ID_PROPERTY,
    WATERMARK_PROPERTY,
    ledger_rows,
    recorded_properties,
)

RECONCILED = "reconciled_from_snapshot"
ABANDONED = "abandoned_run"
MAX_SNAPSHOTS = 10
RECORDED_LOOKBACK = 200  # runs-table commits looked at for the newest target commit's runs row
CLOCK_SKEW_MS = 600_000  # runs-table commits older than the target commit by more are not looked at
RECORDED_STATUSES = ("SUCCESS", "SKIPPED")


@dataclass
class Commit:
    """The snapshots one run committed to the target (newest first)."""

    run_id: str
    snapshot_ids: list[str] = field(default_factory=list)
    committed_at: datetime | None = None  # of the newest
    added_records: int = 0
    summary: dict = field(default_factory=dict)  # of the newest


def tagged_commits(
    spark, identifier: str, stop_at: str | None = None, limit: int = MAX_SNAPSHOTS
) -> list[Commit]:
    """Run-tagged snapshots from the head back to ``stop_at`` (included) or ``limit`` snapshots, one
    Commit per run id, newest first. Read through Iceberg's Java API (no Spark job; one JSON text per
    snapshot, environment/iceberg_java.py)."""
    try:
        table = iceberg_java.load_table(spark, identifier)
    except Exception:  # noqa: BLE001 - no target yet: nothing was committed
        return []
    commits: dict[str, Commit] = {}
    for snapshot in iceberg_java.history(spark, table, limit):
        summary, snapshot_id = snapshot["summary"], snapshot["snapshot_id"]
        run_id = summary.get(RUN_ID_PROPERTY)
        if run_id:
            commit = commits.setdefault(run_id, Commit(run_id))
            if not commit.snapshot_ids:
                commit.committed_at = datetime.fromtimestamp(snapshot["timestamp_ms"] / 1000, tz=UTC)
                commit.summary = summary
            commit.snapshot_ids.append(snapshot_id)
            commit.added_records += int(summary.get("added-records") or 0)
        if snapshot_id == stop_at:
            break
    return list(commits.values())


def orphans(spark, evidence, identifier: str, stop_at: str | None = None) -> list[Commit]:
    """Tagged commits whose run has no SUCCESS / SKIPPED row in ctrl_ingestion_runs."""
    commits = tagged_commits(spark, identifier, stop_at)
    recorded = run_statuses(evidence, identifier, [c.run_id for c in commits])
    return [c for c in commits if not recorded.get(c.run_id, set()) & set(RECORDED_STATUSES)]


def run_statuses(evidence, identifier: str, run_ids: list[str]) -> dict[str, set[str]]:
    """run id → the statuses its runs rows record (one filtered read; none for no ids)."""
    if not run_ids:
        return {}
    from pyspark.sql import functions as F

    found: dict[str, set[str]] = {}
    rows = (
        evidence.read(evidence_tables.RUNS)
        .where((F.col("target_table") == identifier) & F.col("run_id").isin(sorted(set(run_ids))))
        .select("run_id", "status")
        .collect()
    )
    for row in rows:
        found.setdefault(row.run_id, set()).add(row.status)
    return found


def reconcile(run) -> list[Commit]:
    """Back-fill the evidence of the target's orphan commits and of the dead lock holders this run
    took over (a FAILED runs row: abandoned), called under the target's lock."""
    identifier = run.result.target_table
    commits = tagged_commits(run.spark, identifier)  # the newest MAX_SNAPSHOTS; no state read
    dead = _taken_over(run)
    if not dead and (not commits or _newest_recorded(run, identifier, commits[0])):
        return []  # the newest commit's run reconciled everything before it (under the same lock)
    recorded = run_statuses(run.evidence, identifier, [c.run_id for c in commits] + list(dead))
    found = [c for c in commits if not recorded.get(c.run_id, set()) & set(RECORDED_STATUSES)]
    reconciled = {c.run_id for c in commits}
    abandoned = {r: why for r, why in dead.items() if r not in reconciled and r not in recorded}
    if not found and not abandoned:
        return []
    now = datetime.now(UTC)
    runs = [_run_row(run, commit, now) for commit in found]
    runs += [_abandoned_row(run, run_id, why, now) for run_id, why in sorted(abandoned.items())]
    tag = recorded_properties(identifier, found[0].run_id) if found else None
    batches = [(evidence_tables.RUNS, runs, tag)]
    ledger = [row for commit in found for row in _ledger_rows(identifier, commit, now)]
    if ledger:
        batches.append(("ctrl_ingestion_files", ledger))
    previous = (run.previous_state or {}) if found else {}  # the state is read only to heal
    if found and previous.get("last_run_id") != found[0].run_id:
        batches.append((evidence_tables.STATE, [_state_row(run, found[0], previous, now)]))
    run.evidence.append_each(batches)
    if found:
        run.previous_state = state_rows.latest_state(run.evidence, identifier)
    run.measured["reconciled_run_ids"] = [c.run_id for c in found] + sorted(abandoned)
    return found


def _newest_recorded(run, identifier: str, newest: Commit) -> bool:
    """Whether a ctrl_ingestion_runs commit made since the target's newest commit records that run
    (its RECORDED_FAMILY tag), read from the runs table's metadata: no Spark job. Every run reconciles
    under the target's lock before it commits, so when the newest commit's run is recorded, so are the
    ones before it. False (the rows are then read) when no commit since then says so within
    RECORDED_LOOKBACK, or one of them deleted rows."""
    try:
        table = iceberg_java.load_table(run.spark, run.evidence.identifier(evidence_tables.RUNS))
    except Exception:  # noqa: BLE001 - no runs table yet: the read sets it up
        return False
    key, since = RECORDED_FAMILY + identifier, newest.committed_at.timestamp() * 1000 - CLOCK_SKEW_MS
    for snapshot in iceberg_java.history(run.spark, table, RECORDED_LOOKBACK):
        if snapshot["timestamp_ms"] < since:
            return False
        operation = snapshot["operation"]
        if operation not in ("append", "replace"):  # rows deleted: only the rows can tell
            return False
        if operation == "append" and snapshot["summary"].get(key) == newest.run_id:
            return True
    return False


def _taken_over(run) -> dict[str, str]:
    """Run ids whose lock this run took over or found expired → why."""
    history = run.lock.history if run.lock is not None else []
    return {row["run_id"]: f"{row['status']}: {row.get('reason')}" for row in history}


def _abandoned_row(run, run_id: str, why: str, now: datetime) -> dict:
    from contractforge_runtime.evidence.run_rows import runtime_columns

    return {
        "run_id": run_id,
        "run_ts_utc": now,
        "run_date": now,
        "target_table": run.result.target_table,
        "layer": run.view.target.layer,
        "mode": run.view.write.mode,
        "status": "FAILED",
        "write_committed": False,
        "finished_at_utc": now,
        "write_engine_status": "FAILED",
        "write_engine_reason": ABANDONED,
        "metrics_source": ABANDONED,
        "error_message": (
            f"abandoned: the run stopped without recording its outcome and committed nothing to the "
            f"target; its lock was {why} by run {run.result.run_id}"
        ),
        **runtime_columns(run.spark, run.ctx),
    }


def _run_row(run, commit: Commit, now: datetime) -> dict:
    from contractforge_runtime.evidence.run_rows import runtime_columns

    view = run.view
    return {
        "run_id": commit.run_id,
        "run_ts_utc": commit.committed_at,
        "run_date": commit.committed_at,
        "target_table": run.result.target_table,
        "layer": view.target.layer,
        "mode": view.write.mode,
        "status": "SUCCESS",
        "rows_written": commit.added_records,
        "started_at_utc": commit.committed_at,
        "finished_at_utc": commit.committed_at,
        "write_committed": True,
        "table_version_after": commit.snapshot_ids[0],
        "write_engine_status": "SUCCESS",
        "write_engine_reason": RECONCILED,
        "metrics_source": RECONCILED,
        "operation_metrics_json": {"snapshot_ids": commit.snapshot_ids, "snapshot_summary": commit.summary},
        "error_message": (
            f"no evidence was recorded by this run; reconciled by run {run.result.run_id} "
            f"at {now.isoformat()} from snapshot {commit.snapshot_ids[0]}"
        ),
        **runtime_columns(run.spark, run.ctx),
    }


def _ledger_rows(identifier: str, commit: Commit, now: datetime) -> list[dict]:
    entries = commit.summary.get(FILES_PROPERTY)
    return ledger_rows(identifier, commit.run_id, entries, now) if entries else []


def _state_row(run, commit: Commit, previous: dict, now: datetime) -> dict:
    watermark = json.loads(commit.summary.get(WATERMARK_PROPERTY) or "{}") or None
    return state_rows.build_state_row(
        run.result.target_table,
        commit.run_id,
        "SUCCESS",
        previous=previous,
        rows_written=commit.added_records,
        write_committed=True,
        watermark=watermark,
        table_version=commit.snapshot_ids[0],
        now=now,
    )
