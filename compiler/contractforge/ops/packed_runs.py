"""Packed jobs seen per step: run outcomes and cost attribution (docs/cost.md).

Ops drive one Glue job per pack (``PackLayout.job_plan``); this module turns each pack's job run
back into one outcome per step and splits its cost between the steps.

- Outcomes: a SUCCEEDED pack run means every step ended as expected. A FAILED pack run whose error
  message is the runtime's ``pack <name>: N step(s) did not succeed: a=FAILED, b=NOT_RUN`` names the
  steps that did not; the others succeeded. Any other failure (time-out, crash before the steps ran)
  fails every step of the pack with Glue's message.
- Cost: the pack run's DPU-seconds (and billed DPU-seconds) are split between its steps in
  proportion to each step's measured wall time inside the pack (``ctrl_ingestion_runs.duration_seconds``
  of run id ``<job>:<glue run id>:<step>``); start-up and idle time are thereby shared in the same
  proportion. Without measured durations (evidence not reachable) the split is equal. Each step's
  row keeps the pack's totals and the rule in ``payload_json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from contractforge.ops.glue_runs import (
    BLOCKED,
    EXPECTED_FAILURE,
    FAILED,
    SUCCESS,
    UNEXPECTED_SUCCESS,
)
from contractforge.ops.sql_backends import SqlBackend, sql_literal
from contractforge.ops.step_outcome import RunSummary, StepOutcome
from contractforge.planner.packing import PackLayout
from contractforge.project_plan import ProjectPlan

PACK_FAILURE = re.compile(r"pack (?P<pack>\S+): \d+ step\(s\) did not succeed: (?P<steps>.+)$")
RUNTIME_STATUS = {"FAILED": FAILED, "NOT_RUN": BLOCKED, "UNEXPECTED_SUCCESS": UNEXPECTED_SUCCESS}


def step_run_id(job_name: str, glue_run_id: str, step: str) -> str:
    """The runtime's run id of a step inside a pack run (pack_entry.py)."""
    return f"{job_name}:{glue_run_id}:{step}"


def named_failures(message: str | None) -> dict[str, str] | None:
    """step → runtime status from a pack's failure message, None when it is not one."""
    match = PACK_FAILURE.search((message or "").strip().splitlines()[-1] if message else "")
    if not match:
        return None
    named = {}
    for part in match.group("steps").split(","):
        step, _, status = part.strip().partition("=")
        named[step] = status
    return named


def expand_summary(
    summary: RunSummary, layout: PackLayout, plan: ProjectPlan, accept_expected_failures: bool
) -> RunSummary:
    """One outcome per step of every pack outcome (order: packs, then their steps in DAG order)."""
    by_name = {s.name: s for s in plan.steps}
    outcomes: list[StepOutcome] = []
    for unit in summary.outcomes:
        pack = next(p for p in layout.packs if p.name == unit.step)
        failures = named_failures(unit.message) if unit.result == FAILED else {}
        for name in pack.steps:
            step = by_name[name]
            outcome = replace(
                unit,
                step=name,
                expected_result=step.expected_result,
                depends_on=tuple(d for d in step.depends_on if d in by_name),
                pack=pack.name,
            )
            outcome.result = _step_result(
                unit.result, failures, name, step.expected_result, accept_expected_failures
            )
            if failures and name not in failures:
                outcome.message = None
            outcomes.append(outcome)
    return replace(summary, outcomes=outcomes)


def _step_result(
    pack_result: str | None, failures: dict[str, str] | None, step: str, expected: str, accept: bool
) -> str | None:
    if pack_result not in (SUCCESS, FAILED):
        return pack_result  # not finished, blocked, not started, timed out: the whole pack
    if failures is None:
        return FAILED  # the pack failed before or around its steps: no step is known to be fine
    if step in failures:
        return RUNTIME_STATUS.get(failures[step], FAILED)
    if expected == "failed":  # the runtime accepted its failure, or the pack would have failed
        return EXPECTED_FAILURE if accept else FAILED
    return SUCCESS


def measured_seconds(backend: SqlBackend, run_ids: list[str]) -> dict[str, float]:
    """run id → duration_seconds from ctrl_ingestion_runs (one query); {} when evidence is unreachable."""
    if not run_ids:
        return {}
    in_list = ", ".join(sql_literal(r) for r in run_ids)
    try:
        rows = backend.query(
            f"SELECT run_id, duration_seconds FROM {{db}}.ctrl_ingestion_runs WHERE run_id IN ({in_list})"
        )
    except Exception:  # noqa: BLE001 - attribution falls back to equal shares (documented)
        return {}
    return {r["run_id"]: float(r["duration_seconds"]) for r in rows if r.get("duration_seconds") is not None}


def shares(steps: list[str], seconds: dict[str, float]) -> tuple[dict[str, float], str]:
    """step → share of the pack's cost, and the rule applied."""
    known = {s: seconds[s] for s in steps if seconds.get(s) is not None}
    total = sum(known.values())
    if len(known) == len(steps) and total > 0:
        return {s: known[s] / total for s in steps}, "measured step wall time / sum over the pack"
    return {s: 1 / len(steps) for s in steps}, "equal split (no measured durations in ctrl_ingestion_runs)"


def attribute(rows: list[dict[str, Any]], members: list[tuple[str, str]], seconds: dict[str, float],
              job_name: str, glue_run_id: str) -> list[dict[str, Any]]:  # fmt: skip
    """The pack run's cost rows split into per-step rows. ``members``: (step, target table)."""
    run_ids = {step: step_run_id(job_name, glue_run_id, step) for step, _ in members}
    split, rule = shares([s for s, _ in members], {s: seconds.get(run_ids[s]) for s, _ in members})
    result = []
    for row in rows:
        for step, target in members:
            payload = json.loads(row["payload_json"])
            payload.update(
                pack_total=row["signal_value"],
                pack_share=round(split[step], 6),
                attribution=rule,
                step=step,
                contractforge_run_id=run_ids[step],
            )
            result.append(
                {
                    **row,
                    "run_id": run_ids[step],
                    "target_table": target,
                    "signal_value": round(row["signal_value"] * split[step], 6),
                    "payload_json": json.dumps(payload, sort_keys=True),
                }
            )
    return result
