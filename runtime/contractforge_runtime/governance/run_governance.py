"""Governance evidence of one run, built when the run is decided (called by ``run_finish``).

- annotations applied to the target (when it exists), ``annotations_status`` for the runs row and one
  ``ctrl_ingestion_annotations`` row per change;
- the operations snapshot: one ``ctrl_ingestion_operations`` row per run when the contract has an
  operations contract.
"""

from __future__ import annotations

from typing import Any

from contractforge_runtime.evidence import schema as evidence_tables
from contractforge_runtime.governance.annotation_apply import apply_annotations
from contractforge_runtime.iceberg_tables import table_exists

RECORDED = "RECORDED"


def _versions(spark, ctx) -> dict[str, Any]:
    from contractforge_runtime.run_evidence import runtime_columns

    return {
        "framework_version": runtime_columns(spark, ctx)["framework_version"],
        "ctrl_schema_version": evidence_tables.CTRL_SCHEMA_VERSION,
    }


def annotation_batch(run, measured: dict) -> list[tuple[str, list[dict]]]:
    """Apply the plan's annotations (not on dry runs, not when the table does not exist yet)."""
    metadata = run.plan.get("metadata") or {}
    annotations = metadata.get("annotations") or {}
    identifier = run.result.target_table
    if not (annotations.get("table") or annotations.get("columns")):
        return []
    if (run.plan.get("run") or {}).get("dry_run") or not table_exists(run.spark, identifier):
        measured["annotations_result"] = {"skipped": "the target table does not exist yet"}
        return []
    now = measured["finished_at"]
    common = {
        "run_id": run.ctx.run_id,
        "target_table": identifier,
        "annotation_ts_utc": now,
        "annotation_date": now.date(),
        **_versions(run.spark, run.ctx),
    }
    outcome = apply_annotations(run.spark, identifier, annotations, common)
    measured["annotations_status"] = outcome.status
    measured["annotations_result"] = outcome.result
    return [(evidence_tables.ANNOTATIONS, outcome.rows)] if outcome.rows else []


def operations_batch(run, measured: dict) -> list[tuple[str, list[dict]]]:
    operations = (run.plan.get("metadata") or {}).get("operations") or {}
    if not operations:
        return []
    row = {
        "run_id": run.ctx.run_id,
        "target_table": run.result.target_table,
        "criticality": operations.get("criticality"),
        "expected_frequency": operations.get("expected_frequency"),
        "freshness_sla_minutes": operations.get("freshness_sla_minutes"),
        "alert_on_failure": bool(operations.get("alert_on_failure")),
        "alert_on_quality_fail": bool(operations.get("alert_on_quality_fail")),
        "runbook_url": operations.get("runbook_url"),
        "ownership_json": operations.get("ownership") or {},
        "owners_json": list(operations.get("owners") or []),
        "groups_json": list(operations.get("groups") or []),
        "tags_json": operations.get("tags") or {},
        "status": RECORDED,
        "recorded_at_utc": measured["finished_at"],
        **_versions(run.spark, run.ctx),
    }
    return [(evidence_tables.OPERATIONS, [row])]
