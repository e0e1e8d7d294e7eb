"""What a state machine starts: orchestration units (today one per step; a pack of steps later)."""

from __future__ import annotations

from dataclasses import dataclass

from contractforge.project_plan import StepPlan


@dataclass(frozen=True)
class OrchestrationUnit:
    """One Glue job run the state machine starts and waits for (``glue:startJobRun.sync``)."""

    name: str  # state name and record key ($.runs.<name>); unique in the project
    job_name: str
    timeout_minutes: int
    expected_result: str = "success"  # "failed": the failure is recorded and the execution goes on
    depends_on: tuple[str, ...] = ()  # other units; names that are not units are ignored


def units_from_steps(steps: tuple[StepPlan, ...]) -> tuple[OrchestrationUnit, ...]:
    return tuple(
        OrchestrationUnit(s.name, s.glue.name, s.glue.timeout_minutes, s.expected_result, tuple(s.depends_on))
        for s in steps
    )
