"""Projects too big for one state machine: a parent starting child machines, within AWS's limits."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from contractforge.project_plan import ScheduleSettings
from contractforge.render.build import CompileOptions, render_build
from contractforge.render.inputs import load_module_files
from contractforge.render.step_functions import (
    START_EXECUTION_SYNC,
    OrchestrationUnit,
    render_state_machines,
)
from contractforge.render.step_functions.layout import lay_out
from contractforge.render.step_functions.limits import (
    DEFINITION_MAX_BYTES,
    HISTORY_MAX_EVENTS,
    MAX_PARALLEL_NESTING,
    Cost,
)
from contractforge.render.step_functions.split import split_machines

from tests.compiler.render.golden import FIXED_RUNTIME
from tests.compiler.render.plans import project, step
from tests.compiler.render.sfn_order import expanded, waits_for


def _flat(n: int) -> list[OrchestrationUnit]:
    return [OrchestrationUnit(f"s{i}", f"p-s{i}", 60) for i in range(n)]


def _chain(n: int) -> list[OrchestrationUnit]:
    return [
        OrchestrationUnit(f"s{i}", f"p-s{i}", 60, depends_on=(f"s{i - 1}",) if i else ()) for i in range(n)
    ]


def _bronze_silver_chain(n: int) -> list[OrchestrationUnit]:
    """silver i depends on bronze i and silver i-1: series-parallel, nested n deep."""
    bronze = [OrchestrationUnit(f"b{i}", f"p-b{i}", 60) for i in range(n)]
    silver = [
        OrchestrationUnit(f"s{i}", f"p-s{i}", 60, depends_on=(f"b{i}",) + ((f"s{i - 1}",) if i else ()))
        for i in range(n)
    ]
    return bronze + silver


SHAPES = {"flat": _flat(1200), "chain": _chain(1200), "bronze_silver": _bronze_silver_chain(300)}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_machine_is_within_the_limits_and_the_order_is_unchanged(shape: str) -> None:
    units = SHAPES[shape]
    orchestration = render_state_machines("demo", "demo-machine", tuple(units))
    assert len(orchestration.machines) > 1
    started = [job for machine in orchestration.machines for job in machine.glue_jobs]
    assert sorted(started) == sorted(u.job_name for u in units)  # every job exactly once
    for machine in orchestration.machines:
        assert len(machine.text.encode()) <= DEFINITION_MAX_BYTES
        assert machine.budget.history_events <= HISTORY_MAX_EVENTS
        assert machine.budget.nesting <= MAX_PARALLEL_NESTING
        assert len(machine.name) <= 80
    # splitting only moves blocks into child machines: expanded again it is the unsplit layout
    layout = lay_out([u.name for u in units], {u.name: u.depends_on for u in units})
    cost = Cost(events=60, bytes=1700, lines=50, payload=130)
    machines = split_machines(layout.tree, lambda _: cost, Cost(events=28, bytes=1200, lines=40, payload=400))
    assert waits_for(expanded(machines[0], machines)) == waits_for(layout.tree)


def test_parent_starts_children_with_lineage_and_a_templated_arn() -> None:
    orchestration = render_state_machines("demo", "demo-machine", tuple(_flat(1200)))
    root, child = orchestration.machines[0], orchestration.machines[1]
    starts = [s for s in _all_states(root.definition) if s.get("Resource") == START_EXECUTION_SYNC]
    assert len(starts) == len(root.children) and child.name in root.children
    assert starts[0]["Parameters"]["StateMachineArn"].startswith(
        "${state_machine_arn_prefix}demo-machine-part-"
    )
    assert starts[0]["Parameters"]["Input"]["master_run_id.$"] == "$$.Execution.Id"
    assert "${state_machine_arn_prefix}" in root.text and json.loads(root.text)  # a templatefile() template
    task = next(s for s in _all_states(child.definition) if s.get("Type") == "Task")
    arguments = task["Parameters"]["Arguments"]
    assert arguments["--CONTRACTFORGE_MASTER_RUN_ID.$"] == "$$.Execution.Input.master_run_id"
    assert arguments["--CONTRACTFORGE_PARENT_RUN_ID.$"] == "$$.Execution.Id"
    assert "state_machine_arn_prefix" not in child.text
    assert "history" in orchestration.budget_lines()[0]


def _all_states(definition: dict[str, Any]) -> list[dict[str, Any]]:
    found, stack = [], [definition]
    while stack:
        scope = stack.pop()
        for state in scope["States"].values():
            found.append(state)
            stack.extend(state.get("Branches", []))
    return found


@cache
def big_project_tree(count: int = 1100) -> Any:
    steps = [step(f"bronze_{i}") for i in range(count // 2)]
    steps += [
        step(f"silver_{i}", depends_on=(f"bronze_{i}",) + ((f"silver_{i - 1}",) if i else ()))
        for i in range(count - count // 2)
    ]
    return render_build(project(*steps), CompileOptions(), load_module_files(), FIXED_RUNTIME)


def test_big_project_root_uses_the_tree_module_and_narrow_policies() -> None:
    build = big_project_tree()
    root = json.loads(build.files["main.tf.json"])
    module = root["module"]["orchestration"]
    assert module["source"] == "./modules/orchestration_tree"
    assert "modules/orchestration_tree/main.tf" in build.files
    machines = module["machines"]
    assert module["root_name"] in machines and len(machines) > 2
    for machine in machines.values():
        assert len(machine["role_name"]) <= 64
        path = machine["definition"].split("path.root}/")[1].split('"')[0]
        assert path in build.files
        assert ("templatefile(" in machine["definition"]) == bool(machine["child_names"])
        assert len(json.dumps(machine["glue_job_arns"])) < 8_000
    assert root["locals"]["state_machine_arn_prefix"].endswith(":stateMachine:")
    assert "aws_caller_identity" in root["data"]
    assert any("Glue jobs" in w and "1,000" in w for w in build.warnings)  # the Glue job quota
    assert any("state machine(s)" in note for note in build.notes)


def test_small_projects_keep_one_machine_and_the_orchestration_module() -> None:
    build = render_build(
        project(step("a"), step("b", depends_on=("a",))), CompileOptions(), load_module_files(), FIXED_RUNTIME
    )
    root = json.loads(build.files["main.tf.json"])
    assert root["module"]["orchestration"]["source"] == "./modules/orchestration"
    assert not any(path.startswith("modules/orchestration_tree/") for path in build.files)
    assert [p for p in build.files if p.startswith("artifacts/orchestration/")] == [
        "artifacts/orchestration/state_machine.asl.json"
    ]


def test_existing_step_functions_and_scheduler_roles_reach_the_tree_and_the_schedule() -> None:
    states, scheduler = "arn:aws:iam::123456789012:role/States", "arn:aws:iam::123456789012:role/Scheduler"
    environment = {
        "parameters": {"aws": {"step_functions": {"role_arn": states}, "scheduler": {"role_arn": scheduler}}}
    }
    schedule = ScheduleSettings(cron="0 6 * * *", timezone="UTC", enabled=True, name="demo-schedule")
    plan = project(*[step(f"s{i}") for i in range(400)], schedule=schedule, environment=environment)
    build = render_build(plan, CompileOptions(), load_module_files(), FIXED_RUNTIME)
    modules = json.loads(build.files["main.tf.json"])["module"]
    assert modules["orchestration"]["source"] == "./modules/orchestration_tree"
    assert len(modules["orchestration"]["machines"]) > 1  # every machine, children included, uses it
    assert modules["orchestration"]["role_arn"] == states
    assert modules["schedule"]["role_arn"] == scheduler
    assert not any("IAM roles" in w for w in build.warnings)


def test_the_build_keeps_only_the_texts_and_they_are_the_same():
    kept = render_state_machines("demo", "demo-machine", tuple(_flat(1200)))
    texts = render_state_machines("demo", "demo-machine", tuple(_flat(1200)), keep_definitions=False)
    assert [m.text for m in texts.machines] == [m.text for m in kept.machines]
    assert all(m.definition is None for m in texts.machines) and kept.root.definition is not None
