"""``contractforge cost suggest``: cheaper settings per step from what the evidence measured.

Reads ``ctrl_ingestion_runs`` (durations of SUCCESS/SKIPPED runs) and ``ctrl_ingestion_cost``
(billed DPU-seconds) since a date, then proposes, with the expected monthly saving from
``cost_estimate`` (same rates table, measured step durations):
- a packed layout, when the project runs one job per step and packing is cheaper;
- FLEX, for STANDARD jobs whose operations contract allows it (planner.glue_settings rule);
- fewer workers, for jobs whose run is shorter than the one-minute billing minimum (more workers
  cannot make a minimum-bound run cheaper: the minimum is paid per DPU).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from contractforge.ops.cost_estimate import estimate
from contractforge.ops.sql_backends import SqlBackend, sql_literal
from contractforge.planner.glue_settings import default_execution_class
from contractforge.planner.packing import pack_layout
from contractforge.project_plan import ProjectPlan

SMALLEST_WORKERS = 2


def measured_rows(
    backend: SqlBackend, plan: ProjectPlan, since: datetime
) -> tuple[list[dict], dict[str, float]]:
    """(runs rows with their step, billed DPU-seconds per step summed) since ``since``."""
    by_target = {s.target_identifier: s.name for s in plan.steps}
    targets = ", ".join(sql_literal(t) for t in sorted(by_target))
    stamp = sql_literal(since.replace(tzinfo=None), "TIMESTAMP")
    runs = backend.query(
        "SELECT target_table, duration_seconds FROM {db}.ctrl_ingestion_runs "
        f"WHERE target_table IN ({targets}) AND status IN ('SUCCESS', 'SKIPPED') AND run_ts_utc >= {stamp}"
    )
    cost = backend.query(
        "SELECT target_table, sum(signal_value) AS billed FROM {db}.ctrl_ingestion_cost "
        f"WHERE target_table IN ({targets}) AND signal_name = 'glue_billed_dpu_seconds' "
        f"AND captured_at_utc >= {stamp} GROUP BY target_table"
    )
    rows = [{"step": by_target[r["target_table"]], "duration_seconds": r["duration_seconds"]} for r in runs]
    billed = {by_target[r["target_table"]]: float(r["billed"] or 0) for r in cost}
    return rows, billed


def suggest(
    plan: ProjectPlan,
    durations: dict[str, float],
    runs_per_day: float | None = None,
    billed: dict[str, float] | None = None,
) -> dict:
    """Current estimate and proposals (each with ``usd_per_month_saving``), best first."""
    current_layout = pack_layout(plan)
    current = estimate(plan, current_layout, durations, runs_per_day)
    month = current.rates["days_per_month"] * current.runs_per_day
    proposals = []
    if not current_layout.packed:
        for layout in ("wave", "project"):
            candidate = estimate(plan, pack_layout(_with_layout(plan, layout)), durations, runs_per_day)
            saving = (current.usd_per_run - candidate.usd_per_run) * month
            if saving > 0:
                proposals.append({
                    "scope": "project",
                    "change": f"parameters.aws.packing: {layout}",
                    "dpu_seconds_per_run": [current.dpu_seconds_per_run, candidate.dpu_seconds_per_run],
                    "usd_per_month_saving": round(saving, 2),
                })  # fmt: skip
    steps = {s.name: s for s in plan.steps}
    flex_price = current.rates["flex_usd_per_dpu_hour"] / current.rates["standard_usd_per_dpu_hour"]
    for job in current.jobs:
        members = [steps[n] for n in job.steps]
        if job.execution_class == "STANDARD" and all(_flex_allowed(s) for s in members):
            proposals.append({
                "scope": job.job,
                "change": "extensions.aws.glue_job.execution_class: FLEX (operations allow a late start)",
                "usd_per_month_saving": round(job.usd_per_run * (1 - flex_price) * month, 2),
            })  # fmt: skip
        if job.workers > SMALLEST_WORKERS and job.run_seconds < current.rates["minimum_billed_seconds"]:
            proposals.append({
                "scope": job.job,
                "change": f"extensions.aws.glue_job.number_of_workers: {SMALLEST_WORKERS} "
                f"(runs {job.run_seconds:.0f} s, under the billing minimum)",
                "usd_per_month_saving": round(job.usd_per_run * (1 - SMALLEST_WORKERS / job.workers) * month, 2),
            })  # fmt: skip
    proposals.sort(key=lambda p: -p["usd_per_month_saving"])
    return {
        "project": plan.name,
        "layout": current.layout,
        "measured_steps": sorted(durations),
        "measured_billed_dpu_seconds": billed or {},
        "current": current.as_dict(),
        "proposals": proposals,
    }


def _flex_allowed(step) -> bool:
    operations = ((step.run_plan or {}).get("metadata") or {}).get("operations")
    family = ((step.run_plan or {}).get("source") or {}).get("family") or ""
    return default_execution_class(operations, family) == "FLEX"


def _with_layout(plan: ProjectPlan, layout: str) -> ProjectPlan:
    environment = dict(plan.environment or {})
    parameters = dict(environment.get("parameters") or {})
    parameters["aws"] = {**(parameters.get("aws") or {}), "packing": layout}
    return replace(plan, environment={**environment, "parameters": parameters})
