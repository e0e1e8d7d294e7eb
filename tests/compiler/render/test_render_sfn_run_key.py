"""The per-run idempotency key travels from the execution input to every Glue job run."""

from __future__ import annotations

from typing import Any

from contractforge.render.step_functions import render_state_machine

from tests.compiler.render.plans import project, step

RUN_KEY = "--CONTRACTFORGE_RUN_KEY.$"


def _all_states(definition: dict[str, Any]) -> dict[str, Any]:
    found = dict(definition["States"])
    for state in definition["States"].values():
        for branch in state.get("Branches", []):
            found.update(_all_states(branch))
    return found


def test_start_keeps_the_input_run_key_or_an_empty_one() -> None:
    definition = render_state_machine(project(step("a"), step("b", depends_on=("a",)))).definition
    start = definition["States"][definition["StartAt"]]
    assert start["Type"] == "Choice"
    (choice,) = start["Choices"]
    assert choice["And"] == [
        {"Variable": "$.run_key", "IsPresent": True},
        {"Variable": "$.run_key", "IsString": True},
    ]
    with_key = definition["States"][choice["Next"]]
    assert with_key["Parameters"] == {"parallel": {}, "runs": {}, "run_key.$": "$.run_key"}
    without = definition["States"][start["Default"]]
    assert without["Result"] == {"parallel": {}, "runs": {}, "run_key": ""}
    assert with_key["Next"] == without["Next"] == "a"


def test_every_glue_task_and_parallel_branch_gets_the_run_key() -> None:
    plan = project(step("a"), step("b", depends_on=("a",)), step("c", depends_on=("a",)))
    definition = render_state_machine(plan).definition
    states = _all_states(definition)
    tasks = [s for s in states.values() if s["Type"] == "Task"]
    assert len(tasks) == 3
    assert all(t["Parameters"]["Arguments"][RUN_KEY] == "$.run_key" for t in tasks)
    parallels = [s for s in states.values() if s["Type"] == "Parallel"]
    assert parallels and all(p["Parameters"]["run_key.$"] == "$.run_key" for p in parallels)
    # results land beside the key, never over it
    assert all(t["ResultPath"].startswith("$.runs.") for t in tasks)
