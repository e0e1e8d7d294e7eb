"""Project DAG → Step Functions state machines within AWS's limits, by construction.

1. ``layout``: the ``depends_on`` DAG of orchestration units → a series-parallel tree (exact for
   series-parallel DAGs; otherwise the few added orderings are reported and written into the
   definition's ``Comment``; a dependency is never dropped).
2. ``split``: a tree whose worst-case history events, definition size, output payload or
   ``Parallel`` nesting exceed one machine's limits (``limits``) becomes a parent machine starting
   child machines ``<machine>-part-NNN`` (``states:startExecution.sync:2``), adding no ordering.
3. ``asl``: every machine's ASL; ``StateMachine.text`` is what the build writes (canonical JSON;
   for a machine that starts children a Terraform ``templatefile()`` template whose only variable
   is ``state_machine_arn_prefix``).

Everything is iterative: chains of thousands of units do not touch Python's recursion limit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from contractforge.naming import fit
from contractforge.project_plan import ProjectPlan, StepPlan
from contractforge.render.canonical import canonical_json
from contractforge.render.step_functions.asl import (
    ARN_PREFIX_TOKEN,
    CHILD_RETRY_ATTEMPTS,
    CONCURRENCY_RETRY,
    GLUE_RETRY_ATTEMPTS,
    GLUE_SYNC,
    START_EXECUTION_SYNC,
    STEP_FAILED_ERROR,
    THROTTLING_RETRY,
    TIMEOUT_MARGIN_SECONDS,
    _Emitter,
    machine_definition,
)
from contractforge.render.step_functions.blocks import Parallel, Series, Task
from contractforge.render.step_functions.layout import decompose, lay_out
from contractforge.render.step_functions.limits import (
    CHILD_RECORD_BYTES,
    DEFINITION_MAX_BYTES,
    EXPECTED_FAILURE_RECORD_BYTES,
    HISTORY_MAX_EVENTS,
    MACHINE_EVENTS,
    PARALLEL_EVENTS,
    RUN_RECORD_BYTES,
    Cost,
    MachineBudget,
    task_events,
)
from contractforge.render.step_functions.split import ChildMachine, split_machines
from contractforge.render.step_functions.units import OrchestrationUnit, units_from_steps
from contractforge.render.tf_json import escape

__all__ = [
    "CONCURRENCY_RETRY",
    "GLUE_SYNC",
    "START_EXECUTION_SYNC",
    "STEP_FAILED_ERROR",
    "THROTTLING_RETRY",
    "TIMEOUT_MARGIN_SECONDS",
    "ChildMachine",
    "Orchestration",
    "OrchestrationUnit",
    "Parallel",
    "Series",
    "StateMachine",
    "StateMachineDefinition",
    "Task",
    "decompose",
    "render_state_machine",
    "render_state_machines",
    "units_from_steps",
]

MACHINE_NAME_MAX = 80
PREFIX_SLACK_BYTES = 64  # the ARN prefix Terraform substitutes is longer than the token


@dataclass(frozen=True)
class StateMachine:
    name: str
    definition: dict[str, Any] | None  # None when rendered for the build tree (``text`` is what it writes)
    text: str  # as written; a templatefile() template when ``children`` is not empty
    glue_jobs: tuple[str, ...]  # Glue jobs it starts directly
    children: tuple[str, ...]  # child machines it starts directly
    budget: MachineBudget


@dataclass(frozen=True)
class Orchestration:
    machines: tuple[StateMachine, ...]  # the root (the project's state machine) first
    added_orderings: tuple[tuple[str, str], ...]  # listed ones (at most layout.MAX_LISTED_ORDERINGS)
    added_count: int

    @property
    def root(self) -> StateMachine:
        return self.machines[0]

    def budget_lines(self) -> list[str]:
        worst = max(self.machines, key=lambda m: m.budget.history_events)
        biggest = max(self.machines, key=lambda m: m.budget.definition_bytes)
        return [
            f"Step Functions: {len(self.machines)} state machine(s); largest execution history budget "
            f"{worst.budget.history_events:,} of {HISTORY_MAX_EVENTS:,} events ({worst.name}); largest "
            f"definition {biggest.budget.definition_bytes:,} of {DEFINITION_MAX_BYTES:,} bytes ({biggest.name})"
        ]


@dataclass(frozen=True)
class StateMachineDefinition:
    definition: dict[str, Any]
    added_orderings: tuple[tuple[str, str], ...]  # (before, after) pairs not in depends_on


def render_state_machine(
    plan: ProjectPlan, steps: tuple[StepPlan, ...] | None = None
) -> StateMachineDefinition:
    """The project's (root) state machine for the runnable steps of ``plan``."""
    units = units_from_steps(plan.steps if steps is None else steps)
    orchestration = render_state_machines(plan.name, plan.state_machine_name, units)
    return StateMachineDefinition(orchestration.root.definition, orchestration.added_orderings)


def render_state_machines(
    project: str, machine_name: str, units: tuple[OrchestrationUnit, ...], keep_definitions: bool = True
) -> Orchestration:
    """``keep_definitions=False``: only the texts are kept (a large project's definitions as dicts are
    several times the size of their text)."""
    by_name = {unit.name: unit for unit in units}
    layout = lay_out(list(by_name), {unit.name: unit.depends_on for unit in units})
    trees = (
        split_machines(layout.tree, lambda name: _unit_cost(by_name[name]), _child_cost())
        if units
        else [layout.tree]
    )
    names = [machine_name] + _child_names(machine_name, len(trees) - 1)
    machines = []
    for index, tree in enumerate(trees):
        comment = _comment(project, machine_name, tree, index, len(trees), len(units), layout)
        definition = machine_definition(tree, by_name, names, comment, is_root=index == 0)
        glue_jobs, children, parallels, height = _contents(tree)
        text = canonical_json(definition)
        if children:
            text = escape(text).replace(escape(ARN_PREFIX_TOKEN), ARN_PREFIX_TOKEN)
        budget = MachineBudget(
            name=names[index],
            glue_jobs=len(glue_jobs),
            children=len(children),
            history_events=_events(glue_jobs, children, parallels, by_name),
            definition_bytes=len(text.encode("utf-8")) + PREFIX_SLACK_BYTES * len(children),
            nesting=height,
        )
        if budget.history_events > HISTORY_MAX_EVENTS or budget.definition_bytes > DEFINITION_MAX_BYTES:
            raise ValueError(f"state machine split exceeded a limit: {budget.render()}")
        machines.append(
            StateMachine(
                names[index],
                definition if keep_definitions else None,
                text,
                tuple(by_name[u].job_name for u in glue_jobs),
                tuple(names[c] for c in children),
                budget,
            )
        )
    return Orchestration(tuple(machines), layout.added_orderings, layout.added_count)


def _child_names(machine_name: str, count: int) -> list[str]:
    width = max(3, len(str(count)))
    base = fit(machine_name, MACHINE_NAME_MAX - len("-part-") - width)
    return [f"{base}-part-{number:0{width}d}" for number in range(1, count + 1)]


def _comment(project: str, machine: str, tree: Any, index: int, total: int, units: int, layout: Any) -> str:
    if index == 0 and total == 1:
        text = (
            f"ContractForge project {project}: {units} Glue job(s); depends_on DAG as series-parallel states."
        )
    elif index == 0:
        text = (
            f"ContractForge project {project}: {units} Glue job(s) run by this state machine and the "
            f"{total - 1} child machine(s) it starts (Step Functions limits); depends_on DAG as series-parallel states."
        )
    else:
        return f"ContractForge project {project}: part of state machine {machine}, started by its parent."
    if layout.added_count:
        text += " Added orderings (DAG is not series-parallel): " + ", ".join(
            f"{a} before {b}" for a, b in layout.added_orderings
        )
        if layout.added_count > len(layout.added_orderings):
            text += f" and {layout.added_count - len(layout.added_orderings)} more"
    return text


def _contents(tree: Any) -> tuple[list[str], list[int], int, int]:
    """Units and child machines started directly, Parallel states, nesting height."""
    units, children, parallels, height = [], [], 0, 0
    stack = [(tree, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Task):
            units.append(item.step)
        elif isinstance(item, ChildMachine):
            children.append(item.machine)
        elif isinstance(item, Series):
            stack.extend((part, depth) for part in reversed(item.parts))
        else:
            parallels += 1
            height = max(height, depth + 1)
            stack.extend((branch, depth + 1) for branch in reversed(item.branches))
    return units, children, parallels, height


def _events(
    units: list[str], children: list[int], parallels: int, by_name: dict[str, OrchestrationUnit]
) -> int:
    del by_name
    return (
        MACHINE_EVENTS
        + len(units) * task_events(GLUE_RETRY_ATTEMPTS)
        + len(children) * task_events(CHILD_RETRY_ATTEMPTS)
        + parallels * PARALLEL_EVENTS
    )


def _unit_cost(unit: OrchestrationUnit) -> Cost:
    expected_failure = unit.expected_result == "failed"
    base, per_name, per_job, lines = _calibration(expected_failure)
    name_bytes, job_bytes = len(unit.name.encode("utf-8")), len(unit.job_name.encode("utf-8"))
    return Cost(
        events=task_events(GLUE_RETRY_ATTEMPTS),
        bytes=base + per_name * name_bytes + per_job * job_bytes + 48,
        lines=lines,
        payload=name_bytes
        + job_bytes
        + RUN_RECORD_BYTES
        + (EXPECTED_FAILURE_RECORD_BYTES if expected_failure else 0),
    )


@cache
def _child_cost() -> Cost:
    emitter = _Emitter({}, ["m" * MACHINE_NAME_MAX], is_root=False)
    states: dict[str, Any] = {}
    emitter._child(ChildMachine(0, 0), "next", states)
    size, lines = _measure(states)
    return Cost(
        events=task_events(CHILD_RETRY_ATTEMPTS),
        bytes=size + PREFIX_SLACK_BYTES,
        lines=lines,
        payload=CHILD_RECORD_BYTES + MACHINE_NAME_MAX,
    )


@cache
def _calibration(expected_failure: bool) -> tuple[int, int, int, int]:
    """Bytes of a unit's states = base + per_name × name bytes + per_job × job bytes (measured once)."""

    def measure(name_length: int, job_length: int) -> tuple[int, int]:
        unit = OrchestrationUnit(
            "n" * name_length, "j" * job_length, 60, "failed" if expected_failure else "success"
        )
        states: dict[str, Any] = {}
        _Emitter({unit.name: unit}, [], is_root=False)._task(unit, "next", states)
        return _measure(states)

    (one, lines), (two, _), (three, _) = measure(10, 10), measure(20, 10), measure(10, 20)
    per_name, per_job = -(-(two - one) // 10), -(-(three - one) // 10)
    return one - 10 * per_name - 10 * per_job, per_name, per_job, lines


def _measure(states: dict[str, Any]) -> tuple[int, int]:
    text = json.dumps({"States": states}, indent=2, sort_keys=True, ensure_ascii=False)
    return len(text.encode("utf-8")), text.count("\n")
