"""``ctrl_ingestion_deployment_versions``: which run plan, runner and runtime are live for a step — one row each
time that changes (the first run of a deployment, and the first run after a redeploy).

The deployment hash covers the run plan's content (so any recompiled change counts), the compiler
version that wrote it and the runtime version executing it. A run compares it with the newest row of
its step; equal means nothing is written.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from contractforge_runtime.evidence import schema as evidence_tables


def deployment_hash(plan: dict, runtime_version: str) -> str:
    text = json.dumps(
        {"plan": plan, "runtime": runtime_version}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _step_id(plan: dict) -> str:
    return f"{(plan.get('project') or {}).get('name')}/{(plan.get('step') or {}).get('name')}"


# Every deployment row's commit carries ``contractforge.deployment.<step id>: <hash>`` in its snapshot
# summary, so a run finds its step's latest hash in the table metadata without a Spark job.
TAG_FAMILY = "contractforge.deployment."


def commit_properties(step_id: str, deployment: str) -> dict[str, str]:
    return {TAG_FAMILY + step_id: deployment}


def latest_hash(store, step_id: str) -> str | None:
    from pyspark.sql import functions as F

    tagged = store.snapshot_property(evidence_tables.DEPLOYMENT_VERSIONS, TAG_FAMILY + step_id, TAG_FAMILY)
    if tagged is not None:
        return tagged

    rows = (
        store.read(evidence_tables.DEPLOYMENT_VERSIONS)
        .filter(F.col("deployment_step_id") == step_id)
        .orderBy(F.col("deployment_ts_utc").desc_nulls_last())
        .select("deployment_hash")
        .limit(1)
        .collect()
    )
    return rows[0][0] if rows else None


def deployment_rows(run, measured: dict, versions: dict[str, Any]) -> list[dict]:
    """The row to append when this step's deployment differs from the last one recorded, else []."""
    plan, ctx = run.plan, run.ctx
    runtime_version = versions["framework_version"]
    current = deployment_hash(plan, runtime_version)
    step_id = _step_id(plan)
    previous = latest_hash(run.evidence, step_id)
    if previous == current:
        return []
    now = measured["finished_at"]
    project, step = plan.get("project") or {}, plan.get("step") or {}
    return [
        {
            "deployment_id": ctx.job_run_id or ctx.run_id,
            "deployment_step_id": step_id,
            "deployment_hash": current,
            "deployment_ts_utc": now,
            "deployment_date": now.date(),
            "deployment_status": "LIVE",
            "adapter": "aws",
            "platform": ctx.runtime_type,
            "project_name": project.get("name"),
            "environment_key": project.get("environment"),
            "contract_name": step.get("name"),
            "contract_path": (plan.get("contract") or {}).get("path"),
            "contract_layer": (plan.get("target") or {}).get("layer"),
            "target_table": run.result.target_table,
            "mode": (plan.get("write") or {}).get("mode"),
            "action": "first_run" if previous is None else "changed",
            "artifact_kind": "glue_job",
            "artifact_name": ctx.job_name,
            "definition_hash": current,
            "previous_definition_hash": previous,
            "contract_hash": (plan.get("contract") or {}).get("sha256"),
            "package_versions_json": {"compiler": plan.get("framework_version"), "runtime": runtime_version},
            "deployed_by": ctx.job_name,
            "created_at_utc": now,
            **versions,
        }
    ]
