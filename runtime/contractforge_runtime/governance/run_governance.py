"""Governance evidence of one run, built when the run is decided (called by ``run_finish``).

- annotations applied to the target (when it exists), ``annotations_status`` for the runs row and one
  ``ctrl_ingestion_annotations`` row per change;
- the operations snapshot: one ``ctrl_ingestion_operations`` row per run when the contract has an
  operations contract.
"""

from __future__ import annotations

from typing import Any

from contractforge_runtime.evidence import schema as evidence_tables
from contractforge_runtime.governance import lake_formation as lf
from contractforge_runtime.governance.annotation_apply import apply_annotations
from contractforge_runtime.governance.deployment_versions import commit_properties, deployment_rows
from contractforge_runtime.write.iceberg_tables import table_exists

RECORDED = "RECORDED"


class AccessDriftError(RuntimeError):
    """``access_policy.on_drift: fail`` and Lake Formation differs from the access contract."""


def _versions(spark, ctx) -> dict[str, Any]:
    from contractforge_runtime.evidence.run_rows import runtime_columns

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


def deployment_batch(run, measured: dict) -> list[tuple[str, list[dict]]]:
    """A ``ctrl_ingestion_deployment_versions`` row when the step's plan / runner / runtime changed."""
    rows = deployment_rows(run, measured, _versions(run.spark, run.ctx))
    if not rows:
        return []
    tag = commit_properties(rows[0]["deployment_step_id"], rows[0]["deployment_hash"])
    return [(evidence_tables.DEPLOYMENT_VERSIONS, rows, tag)]


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


def _access_common(run, now) -> dict[str, Any]:
    return {
        "access_run_id": run.ctx.run_id,
        "run_id": run.ctx.run_id,
        "target_table": run.result.target_table,
        "access_ts_utc": now,
        "access_date": now.date(),
        "applied_at_utc": now,
        **_versions(run.spark, run.ctx),
    }


def check_access(run) -> None:
    """Before reading: compare Lake Formation with the access contract (rows kept for the evidence);
    ``on_drift: fail`` stops the run before anything is written, ``reconcile`` with ``revoke_unmanaged``
    revokes grants made outside the contract."""
    from contractforge_runtime.evidence.run_rows import utc_now

    plan = run.plan
    client = lf.client_for(plan, run.ctx)
    rows = lf.check_access(client, plan, _access_common(run, utc_now()))
    run.measured["access_rows"] = rows
    policy = ((plan.get("metadata") or {}).get("access") or {}).get("access_policy") or {}
    drift = lf.drifted(rows)
    if drift and policy.get("on_drift") == "reconcile" and policy.get("revoke_unmanaged") and client:
        lf.revoke_unmanaged(client, rows, (plan.get("lake_formation") or {}).get("catalog_id"))
    if drift and policy.get("on_drift") == "fail":
        names = ", ".join(
            sorted({f"{r['access_type']} {r.get('principal') or r.get('object_name')}" for r in drift})
        )
        raise AccessDriftError(f"Lake Formation differs from the access contract (on_drift: fail): {names}")


def access_batch(run, measured: dict) -> list[tuple[str, list[dict]]]:
    """The access check's rows plus, once the table exists, the LF-tags attached to it."""
    rows = list(run.measured.get("access_rows") or [])
    client = lf.client_for(run.plan, run.ctx)
    if (
        client is not None
        and measured["status"] != "FAILED"
        and table_exists(run.spark, run.result.target_table)
    ):
        rows += lf.attach_tags(client, run.plan, _access_common(run, measured["finished_at"]))
    return [(evidence_tables.ACCESS, rows)] if rows else []
