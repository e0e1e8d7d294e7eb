"""Skip what did not change upstream: the Iceberg snapshots a step's input tables had when it read them.

A step reading catalog tables (``table`` / ``iceberg_table`` sources, SQL sources with their
``inputs``) records, per run, the main-branch snapshot id of every input it is about to read
(looked up *before* the read: a commit landing in between makes the next run read again, never
miss data). The last completed run's map is kept in ``ctrl_ingestion_state.input_snapshots_json``
together with the contract's sha256. When every input still has the snapshot the step consumed
last time and the contract is the same, the step is SKIPPED (``no_upstream_change``) before it takes
the lock or reads anything. A contract opts out with ``skip_unchanged_inputs: false`` (e.g. a query
reading the clock); sources that are not catalog tables never skip this way.
"""

from __future__ import annotations

import json

from contractforge_runtime.evidence import state
from contractforge_runtime.reliability.idempotency import SKIP, IdempotencyDecision
from contractforge_runtime.write.iceberg_tables import current_snapshot

SKIP_REASON = "no_upstream_change"


def input_tables(plan: dict) -> list[str]:
    """The catalog tables the step reads, [] when it reads anything else (files, JDBC, HTTP…)."""
    source = plan.get("source") or {}
    if source.get("family") == "catalog" and source.get("table"):
        return [source["table"]]
    if source.get("family") == "sql":
        return sorted(set(source.get("inputs") or []))
    return []


def applies(plan: dict) -> bool:
    if (plan.get("run") or {}).get("skip_unchanged_inputs") is False:
        return False
    return bool(input_tables(plan))


def current_snapshots(spark, plan: dict) -> dict[str, str | None]:
    """Input table → its main-branch snapshot id now (None: missing or empty), Java API lookups."""
    snapshots = {}
    for table in input_tables(plan):
        try:
            head = current_snapshot(spark, table)
        except Exception:  # noqa: BLE001 - a missing table: the read reports it by name
            head = None
        snapshots[table] = head["snapshot_id"] if head else None
    return snapshots


def consumed(plan: dict, snapshots: dict[str, str | None]) -> dict:
    """What the state records for a completed run: the contract and the snapshots it read."""
    return {"contract_sha256": (plan.get("contract") or {}).get("sha256"), "tables": snapshots}


def unchanged(previous_state: dict | None, plan: dict, snapshots: dict[str, str | None]) -> bool:
    """True when the last completed run consumed exactly these snapshots under the same contract."""
    if not snapshots or any(value is None for value in snapshots.values()):
        return False
    recorded = (previous_state or {}).get("input_snapshots_json")
    if not recorded:
        return False
    try:
        before = json.loads(recorded)
    except ValueError:
        return False
    return before == consumed(plan, snapshots)


def skip_decision(run, decision: IdempotencyDecision) -> IdempotencyDecision | None:
    """Look the inputs' snapshots up (recorded on the run either way); a SKIP decision naming the
    run that consumed them when nothing changed, else None."""
    snapshots = current_snapshots(run.spark, run.plan)
    run.measured["input_snapshots"] = snapshots
    run.measured["source_metrics"] = {"input_snapshots": snapshots}
    recorded = state.recorded_snapshots(run.evidence, run.result.target_table)
    if recorded is not None and not unchanged({"input_snapshots_json": recorded}, run.plan, snapshots):
        return None  # an input moved (told by the state table's metadata): no need to read its rows
    latest = state.latest_state(run.evidence, run.result.target_table)
    if not unchanged(latest, run.plan, snapshots):
        return None
    run.previous_state = latest
    return IdempotencyDecision(
        SKIP,
        decision.policy,
        decision.idempotency_key,
        skip_reason=SKIP_REASON,
        skipped_by_run_id=latest.get("last_run_id"),
        message=f"{SKIP_REASON}: every input still has the snapshot run {latest.get('last_run_id')} read",
    )
