"""`record-cost` / `run --record-cost`: idempotent ctrl_ingestion_cost rows for terminal Glue runs.

Two statements per call whatever the number of runs: one SELECT of the signals already recorded
for these run ids, one INSERT INTO … VALUES of the missing ones (Athena on AWS, Spark locally).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contractforge_runtime.evidence.schema import COST

from contractforge.ops.cost import cost_rows
from contractforge.ops.glue_runs import TERMINAL_STATES, GlueJobs, contractforge_run_id
from contractforge.ops.packed_runs import attribute, measured_seconds, step_run_id
from contractforge.ops.sql_backends import SqlBackend, evidence_insert_statement, sql_literal
from contractforge.project_plan import ProjectPlan, StepPlan

RECORDED = "RECORDED"
ALREADY_RECORDED = "ALREADY_RECORDED"
NOT_TERMINAL = "NOT_TERMINAL"
NO_COST_SIGNAL = "NO_COST_SIGNAL"
BATCH = 200  # run ids per idempotency query / rows per INSERT (Athena limits statement size)


@dataclass(frozen=True)
class FinishedRun:
    step: StepPlan  # the step, or a pack's unit (PackLayout.job_plan)
    job_run: dict[str, Any]
    members: tuple[tuple[str, str], ...] = ()  # a pack's (step, target table): cost split per step

    @property
    def run_id(self) -> str:
        return contractforge_run_id(self.job_run["JobName"], self.job_run["Id"])


def record_cost(backend: SqlBackend, runs: list[FinishedRun], *, now: datetime | None = None) -> list[dict]:
    """Record every missing cost signal of ``runs``; one result dict per run."""
    captured_at = (now or datetime.now(UTC)).replace(tzinfo=None)
    results: list[dict] = []
    candidate_rows: dict[str, list[dict[str, Any]]] = {}
    packed = [r for r in runs if r.members and r.job_run.get("JobRunState") in TERMINAL_STATES]
    seconds = measured_seconds(
        backend,
        sorted(step_run_id(r.job_run["JobName"], r.job_run["Id"], s) for r in packed for s, _ in r.members),
    )
    for run in runs:
        state = run.job_run.get("JobRunState")
        if state not in TERMINAL_STATES:
            results.append(_result(run, NOT_TERMINAL, []))
            continue
        rows = cost_rows(
            run.job_run,
            run.step.target_identifier,
            captured_at,
            worker_type=run.step.glue.worker_type,
            workers=run.step.glue.number_of_workers,
        )
        if not rows:
            results.append(_result(run, NO_COST_SIGNAL, []))
            continue
        if run.members:
            rows = attribute(rows, list(run.members), seconds, run.job_run["JobName"], run.job_run["Id"])
        candidate_rows[run.run_id] = rows
    if not candidate_rows:
        return results
    existing = _recorded_signals(
        backend, sorted({r["run_id"] for rows in candidate_rows.values() for r in rows})
    )
    missing: list[dict[str, Any]] = []
    for run in runs:
        rows = candidate_rows.get(run.run_id)
        if rows is None:
            continue
        new = [r for r in rows if (r["run_id"], r["target_table"], r["signal_name"]) not in existing]
        missing.extend(new)
        status = RECORDED if new else ALREADY_RECORDED
        results.append(_result(run, status, [r["signal_name"] for r in new], rows))
    for start in range(0, len(missing), BATCH):
        backend.execute(insert_statement(missing[start : start + BATCH]))
    return results


def _recorded_signals(backend: SqlBackend, run_ids: list[str]) -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for start in range(0, len(run_ids), BATCH):
        in_list = ", ".join(sql_literal(run_id) for run_id in run_ids[start : start + BATCH])
        rows = backend.query(
            f"SELECT run_id, target_table, signal_name FROM {{db}}.{COST} WHERE run_id IN ({in_list})"
        )
        found |= {(r["run_id"], r["target_table"], r["signal_name"]) for r in rows}
    return found


def insert_statement(rows: list[dict[str, Any]]) -> str:
    """INSERT INTO {db}.ctrl_ingestion_cost (...) VALUES (...), typed by the evidence schema."""
    return evidence_insert_statement(COST, rows)


def _result(run: FinishedRun, status: str, recorded: list[str], rows: list[dict] | None = None) -> dict:
    result = {
        "step": run.step.name,
        "run_id": run.run_id,
        "state": run.job_run.get("JobRunState"),
        "status": status,
        "recorded_signals": recorded,
    }
    if rows and run.members:  # per step of the pack
        result["signals"] = {f"{r['run_id']}/{r['signal_name']}": r["signal_value"] for r in rows}
    elif rows:
        result["signals"] = {r["signal_name"]: r["signal_value"] for r in rows}
    return result


def with_members(runs: list[FinishedRun], layout, plan: ProjectPlan) -> list[FinishedRun]:
    """Runs of pack jobs carry their steps, so their cost is split per step (ops/packed_runs.py)."""
    if not layout.packed:
        return runs
    targets = {s.name: s.target_identifier for s in plan.steps}
    result = []
    for run in runs:
        pack = next(p for p in layout.packs if p.name == run.step.name)
        result.append(FinishedRun(run.step, run.job_run, tuple((s, targets[s]) for s in pack.steps)))
    return result


def finished_runs(
    glue: GlueJobs, plan: ProjectPlan, steps: list[StepPlan], run_ids: list[str] | None = None
) -> list[FinishedRun]:
    """The runs to record: the given ids (``<job>:<id>`` or bare Glue ids), else every run of every job."""
    by_job = {step.glue.name: step for step in steps}
    if not run_ids:
        runs = []
        for step in steps:
            runs.extend(FinishedRun(step, job_run) for job_run in glue.runs(step.glue.name))
        return runs
    found = []
    for requested in run_ids:
        job_name, _, glue_id = requested.rpartition(":")
        candidates = [by_job[job_name]] if job_name in by_job else steps
        found.append(_find_run(glue, candidates, glue_id or requested, requested))
    return found


def _find_run(glue: GlueJobs, steps: list[StepPlan], glue_id: str, requested: str) -> FinishedRun:
    from contractforge.errors import ContractForgeError
    from contractforge.ops.aws import AwsCallError

    for step in steps:
        try:
            return FinishedRun(step, glue.get(step.glue.name, glue_id))
        except AwsCallError as exc:
            if exc.code not in {"EntityNotFoundException", "JobRunNotFoundException"}:
                raise
    raise ContractForgeError.single(
        f"Glue run {requested!r} belongs to none of this project's jobs", field="--run-id"
    )
