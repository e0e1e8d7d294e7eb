"""ctrl_ingestion_cost rows for one terminal Glue run (pure; recording lives in cost_recording.py).

Signals (one row each):
- ``glue_dpu_seconds``: ``JobRun.DPUSeconds`` when AWS reports it (Flex / auto scaling), otherwise
  ``ExecutionTime × workers × DPU per worker`` (or ``ExecutionTime × MaxCapacity`` for Standard
  workers); the formula used is named in ``payload_json.formula``.
- ``glue_billed_dpu_seconds``: the same with Glue's 60-second billing minimum applied
  (``max(dpu_seconds, 60 × capacity)``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from contractforge.ops.glue_runs import TERMINAL_STATES, contractforge_run_id

DPU_PER_WORKER = {"G.025X": 0.25, "G.1X": 1.0, "G.2X": 2.0, "G.4X": 4.0, "G.8X": 8.0}
BILLING_MINIMUM_SECONDS = 60
DPU_SECONDS = "glue_dpu_seconds"
BILLED_DPU_SECONDS = "glue_billed_dpu_seconds"
PAYLOAD_FIELDS = (
    "Id",
    "JobName",
    "JobRunState",
    "StartedOn",
    "CompletedOn",
    "ExecutionTime",
    "DPUSeconds",
    "WorkerType",
    "NumberOfWorkers",
    "MaxCapacity",
    "ExecutionClass",
    "Attempt",
    "TriggerName",
    "ErrorMessage",
    "StateDetail",
)


def capacity(job_run: dict[str, Any], worker_type: str | None = None, workers: int | None = None):
    """(DPUs, description) of a run: the run's own worker settings first, then the job's.

    moto (and old Glue versions) report ``WorkerType: Standard``; then MaxCapacity is the DPU count.
    """
    candidates = [
        (job_run.get("WorkerType"), job_run.get("NumberOfWorkers"), "JobRun"),
        (worker_type, workers, "job settings"),
    ]
    for kind, count, source in candidates:
        if kind in DPU_PER_WORKER and count:
            dpus = float(count) * DPU_PER_WORKER[kind]
            return dpus, f"NumberOfWorkers({count}) x DPU({kind}={DPU_PER_WORKER[kind]:g}) [{source}]"
    if job_run.get("MaxCapacity"):
        return float(job_run["MaxCapacity"]), f"MaxCapacity({job_run['MaxCapacity']:g})"
    return None, "unknown capacity"


def dpu_seconds(job_run: dict[str, Any], worker_type: str | None = None, workers: int | None = None):
    """(dpu_seconds, billed_dpu_seconds, formula, billed_formula); values None when not computable."""
    dpus, capacity_text = capacity(job_run, worker_type, workers)
    reported = job_run.get("DPUSeconds")
    if reported is not None:
        value, formula = float(reported), "DPUSeconds (reported by AWS Glue)"
    elif job_run.get("ExecutionTime") is not None and dpus is not None:
        seconds = float(job_run["ExecutionTime"])
        value, formula = seconds * dpus, f"ExecutionTime({seconds:g}s) x {capacity_text}"
    else:
        return None, None, "no DPUSeconds and no ExecutionTime x capacity", None
    if dpus is None:
        return value, value, formula, "no capacity known: billing minimum not applied"
    minimum = BILLING_MINIMUM_SECONDS * dpus
    billed = max(value, minimum)
    billed_formula = f"max({formula}, {BILLING_MINIMUM_SECONDS}s x {capacity_text})"
    return value, billed, formula, billed_formula


def cost_rows(
    job_run: dict[str, Any],
    target_table: str,
    captured_at: datetime,
    *,
    worker_type: str | None = None,
    workers: int | None = None,
) -> list[dict[str, Any]]:
    """The ctrl_ingestion_cost rows of one terminal run (empty when nothing can be computed)."""
    if job_run.get("JobRunState") not in TERMINAL_STATES:
        return []
    value, billed, formula, billed_formula = dpu_seconds(job_run, worker_type, workers)
    if value is None:
        return []
    run_id = contractforge_run_id(job_run["JobName"], job_run["Id"])
    base = {name: _jsonable(job_run.get(name)) for name in PAYLOAD_FIELDS if job_run.get(name) is not None}
    base.update({"contractforge_run_id": run_id, "glue_run_id": job_run["Id"]})
    rows = []
    for name, signal_value, text in (
        (DPU_SECONDS, value, formula),
        (BILLED_DPU_SECONDS, billed, billed_formula),
    ):
        payload = {**base, "formula": text}
        rows.append(
            {
                "run_id": run_id,
                "target_table": target_table,
                "signal_name": name,
                "signal_value": round(float(signal_value), 6),
                "payload_json": json.dumps(payload, sort_keys=True),
                "captured_at_utc": captured_at,
            }
        )
    return rows


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
