"""Target commits without evidence: snapshots whose ``contractforge.run_id`` has no runs row.

Every target commit carries the run id in its Iceberg snapshot summary (the runtime's
write/commit_properties.py). A run killed after its commit, or whose evidence store failed then,
leaves a snapshot no SUCCESS / SKIPPED row in ``ctrl_ingestion_runs`` accounts for; the next run of
the step back-fills it (reliability/reconcile.py), and until then ``audit`` reports it.

Snapshots are read from the target's metadata: its metadata JSON for the light local reader, the
``.snapshots`` metadata table through Spark, ``"t$snapshots"`` through Athena.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from contractforge.ops import iceberg_metadata, sql_catalog
from contractforge.ops.evidence_reader import LocalEvidence
from contractforge.ops.project import target_tables
from contractforge.ops.sql_backends import SparkBackend
from contractforge.project_plan import ProjectPlan

RUN_ID_PROPERTY = "contractforge.run_id"  # the runtime's commit_properties.RUN_ID_PROPERTY


def commits_without_evidence(
    backend, plan: ProjectPlan, since: datetime, now: datetime
) -> list[dict[str, Any]]:
    """One row per (target, run id) committed since ``since`` without a SUCCESS / SKIPPED runs row."""
    targets = target_tables(plan)
    commits = [
        (identifier, commit)
        for identifier in targets
        for commit in target_commits(backend, identifier)
        if _naive_utc(commit["committed_at"]) >= since
    ]
    if not commits:  # nothing tagged in the window: the runs table is not read
        return []
    params = sql_catalog.query_params(since, now, targets)
    rows = backend.query(sql_catalog.query_text("recorded_runs"), **params)
    recorded = {(r.get("target_table"), r.get("run_id")) for r in rows}
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for identifier, commit in commits:
        key = (identifier, commit["run_id"])
        if key in recorded:
            continue
        committed = _naive_utc(commit["committed_at"])
        row = found.setdefault(key, {"target_table": identifier, "run_id": commit["run_id"], "snapshots": 0})
        row["snapshots"] += 1
        if committed >= row.get("committed_at", committed):
            row["committed_at"], row["last_snapshot_id"] = committed, str(commit["snapshot_id"])
    return sorted(found.values(), key=lambda r: (r["target_table"], r["committed_at"]))


def target_commits(backend, identifier: str) -> list[dict[str, Any]]:
    """Run-tagged snapshots of one target: {snapshot_id, committed_at, run_id}; [] when it does not exist."""
    _, database, table = identifier.split(".")
    if isinstance(backend, LocalEvidence):  # the light local reader: the table's metadata JSON
        return _metadata_commits(backend.table_metadata(database, table))
    if isinstance(backend, SparkBackend):
        statement = f"SELECT snapshot_id, committed_at, summary['{RUN_ID_PROPERTY}'] AS run_id FROM {identifier}.snapshots"
    else:
        statement = (
            f"SELECT snapshot_id, committed_at, element_at(summary, '{RUN_ID_PROPERTY}') AS run_id "
            f'FROM "{database}"."{table}$snapshots"'
        )
    try:
        rows = (
            backend.spark.sql(statement).collect() if backend.dialect == "spark" else backend.run(statement)
        )
    except Exception:  # noqa: BLE001 - a target never written has no snapshots to account for
        return []
    rows = [r.asDict() if hasattr(r, "asDict") else r for r in rows]
    return [r for r in rows if r.get("run_id")]


def _metadata_commits(metadata: dict[str, Any] | None) -> list[dict[str, Any]]:
    commits = []
    for snapshot in iceberg_metadata.snapshots(metadata or {}):
        run_id = (snapshot.get("summary") or {}).get(RUN_ID_PROPERTY)
        if run_id:
            at = datetime.fromtimestamp(snapshot["timestamp-ms"] / 1000, tz=UTC)
            commits.append({"snapshot_id": snapshot["snapshot-id"], "committed_at": at, "run_id": run_id})
    return commits


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
