"""depends_on DAG → ASL (render/step_functions.py): exact series-parallel encoding, Retry/Catch/Timeout."""

from __future__ import annotations

import json
from typing import Any

import pytest
from contractforge.render.step_functions import (
    GLUE_SYNC,
    TIMEOUT_MARGIN_SECONDS,
    Parallel,
    Series,
    Task,
    decompose,
    render_state_machine,
)

from tests.compiler.render.plans import project, step


def _tree(deps: dict[str, tuple[str, ...]], names: str | None = None) -> tuple[Any, tuple]:
    order = list(names or sorted({*deps, *(d for ds in deps.values() for d in ds)}))
    return decompose(order, deps)


def _waits_for(tree: Any) -> dict[str, set[str]]:
    """For every task, the set of tasks that must finish before it starts under this encoding."""
    result: dict[str, set[str]] = {}

    def visit(block: Any, before: set[str]) -> set[str]:
        if isinstance(block, Task):
            result[block.step] = set(before)
            return {block.step}
        if isinstance(block, Series):
            done: set[str] = set()
            for part in block.parts:
                done |= visit(part, before | done)
            return done
        finished: set[str] = set()
        for branch in block.branches:
            finished |= visit(branch, before)
        return finished

    visit(tree, set())
    return result


def _closure(deps: dict[str, tuple[str, ...]]) -> dict[str, set[str]]:
    names = {*deps, *(d for ds in deps.values() for d in ds)}
    closure: dict[str, set[str]] = {}

    def ancestors(name: str) -> set[str]:
        if name not in closure:
            closure[name] = set()
            for parent in deps.get(name, ()):
                closure[name] |= {parent} | ancestors(parent)
        return closure[name]

    return {name: ancestors(name) for name in names}


def test_diamond_is_fork_then_join() -> None:
    tree, added = _tree({"b": ("a",), "c": ("a",), "d": ("b", "c")})
    assert tree == Series((Task("a"), Parallel((Task("b"), Task("c"))), Task("d")))
    assert added == ()


def test_independent_chains_are_parallel_branches_not_waves() -> None:
    deps = {"a2": ("a1",), "a3": ("a2",), "b2": ("b1",)}
    tree, added = _tree(deps, "a1 a2 a3 b1 b2".split())
    assert tree == Parallel((Series((Task("a1"), Task("a2"), Task("a3"))), Series((Task("b1"), Task("b2")))))
    # b2 waits only for b1 — a wave encoding would make it wait for a2 as well
    assert _waits_for(tree)["b2"] == {"b1"}
    assert added == ()


def test_fully_independent_steps_run_in_one_parallel() -> None:
    tree, _ = _tree({"a": (), "b": (), "c": ()}, "a b c".split())
    assert tree == Parallel((Task("a"), Task("b"), Task("c")))


def test_single_step_is_a_task() -> None:
    assert _tree({"only": ()})[0] == Task("only")


@pytest.mark.parametrize(
    "deps",
    [
        {"b": ("a",), "c": ("a",), "d": ("b", "c")},  # diamond
        {"b": ("a",), "c": ("a",), "d": ("b",), "e": ("c", "d")},  # uneven diamond
        {"c": ("a", "b"), "d": ("a", "b")},  # complete bipartite
        {"b": ("a",), "c": ("b",), "x": (), "y": ("x",), "z": ("c", "y")},  # two chains joined
        {"m1": ("s",), "m2": ("s",), "j": ("m1", "m2"), "n1": ("j",), "n2": ("j",), "e": ("n1", "n2")},
    ],
)
def test_series_parallel_graphs_are_encoded_exactly(deps: dict[str, tuple[str, ...]]) -> None:
    tree, added = _tree(deps)
    assert added == ()
    assert _waits_for(tree) == _closure(deps)


def test_n_shape_adds_the_fewest_orderings_and_reports_them() -> None:
    deps = {"c": ("a",), "d": ("a", "b")}
    tree, added = _tree(deps, "a b c d".split())
    waits = _waits_for(tree)
    closure = _closure(deps)
    for name, required in closure.items():
        assert required <= waits[name]  # no dependency is ever dropped
    extra = {(before, after) for after in waits for before in waits[after] - closure[after]}
    assert extra == set(added) and len(added) == 1


def test_unknown_dependencies_are_ignored_and_cycles_refused() -> None:
    assert _tree({"a": ("databricks_only_pretask",)}, ["a"])[0] == Task("a")
    with pytest.raises(ValueError, match="cycle"):
        decompose(["a", "b"], {"a": ("b",), "b": ("a",)})


def test_long_chain_does_not_recurse_per_step() -> None:
    names = [f"s{i}" for i in range(1500)]
    tree, _ = decompose(names, {f"s{i}": (f"s{i - 1}",) for i in range(1, 1500)})
    assert isinstance(tree, Series) and len(tree.parts) == 1500


def _states(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """All states, including those inside Parallel branches."""
    found: dict[str, dict[str, Any]] = {}
    for name, state in definition["States"].items():
        assert name not in found, f"duplicate state name {name}"
        found[name] = state
        for branch in state.get("Branches", []):
            for inner_name, inner in _states(branch).items():
                assert inner_name not in found, f"duplicate state name {inner_name}"
                found[inner_name] = inner
    return found


def _check_transitions(definition: dict[str, Any]) -> None:
    """Every Next/Catch target exists in the same scope; every scope has an End or a terminal state."""
    states = definition["States"]
    assert definition["StartAt"] in states
    for state in states.values():
        if "Next" in state:
            assert state["Next"] in states
        for catch in state.get("Catch", []):
            assert catch["Next"] in states
        for branch in state.get("Branches", []):
            _check_transitions(branch)
    assert any(s.get("End") or s["Type"] in ("Succeed", "Fail") for s in states.values())


def test_diamond_state_machine_tasks() -> None:
    plan = project(
        step("a", timeout_minutes=30),
        step("b", depends_on=("a",)),
        step("c", depends_on=("a",)),
        step("d", depends_on=("b", "c")),
    )
    machine = render_state_machine(plan)
    definition = machine.definition
    json.dumps(definition)  # serialisable
    _check_transitions(definition)
    states = _states(definition)
    parallel = [s for s in states.values() if s["Type"] == "Parallel"]
    assert len(parallel) == 1 and len(parallel[0]["Branches"]) == 2
    task = states["a"]
    assert task["Type"] == "Task" and task["Resource"] == GLUE_SYNC
    assert task["Parameters"]["JobName"] == "demo-a"
    assert task["Parameters"]["Arguments"]["--CONTRACTFORGE_PARENT_RUN_ID.$"] == "$$.Execution.Id"
    assert task["TimeoutSeconds"] == 30 * 60 + TIMEOUT_MARGIN_SECONDS
    retried = {error for retry in task["Retry"] for error in retry["ErrorEquals"]}
    assert {"Glue.ConcurrentRunsExceededException", "Glue.ThrottlingException"} <= retried
    assert all(r["BackoffRate"] > 1 and r["MaxAttempts"] >= 1 for r in task["Retry"])
    assert "States.ALL" not in retried and "States.TaskFailed" not in retried
    fail = states[task["Catch"][0]["Next"]]
    assert fail["Type"] == "Fail" and fail["CausePath"] == "$.runs.a.Cause"
    assert fail["Error"] == "ContractForge.StepFailed"  # "States.*" error names are refused in Fail states
    assert states["a"]["Next"] == parallel_name(definition)
    assert states["d"].get("End") is True


def parallel_name(definition: dict[str, Any]) -> str:
    return next(name for name, s in definition["States"].items() if s["Type"] == "Parallel")


def test_expected_failure_is_recorded_and_does_not_fail_the_execution() -> None:
    plan = project(step("bad", expected_result="failed"), step("after", depends_on=("bad",)))
    states = _states(render_state_machine(plan).definition)
    handler = states[states["bad"]["Catch"][0]["Next"]]
    assert handler["Type"] == "Pass"
    assert handler["Parameters"]["status"] == "EXPECTED_FAILURE"
    assert handler["Next"] == "after"  # execution continues where the task would have gone
    assert not any(s["Type"] == "Fail" for name, s in states.items() if name.startswith("bad"))


def test_parallel_forest_state_machine() -> None:
    plan = project(step("x1"), step("x2", depends_on=("x1",)), step("y1"), step("y2", depends_on=("y1",)))
    definition = render_state_machine(plan).definition
    _check_transitions(definition)
    parallel = definition["States"][parallel_name(definition)]
    starts = sorted(branch["StartAt"] for branch in parallel["Branches"])
    assert starts == ["x1", "y1"]
    assert parallel["Branches"][0]["States"]["x1"]["Next"] == "x2"


def test_long_step_names_give_unique_short_state_names() -> None:
    long_a, long_b = "a" * 100, "a" * 99 + "b"
    definition = render_state_machine(project(step(long_a), step(long_b, depends_on=(long_a,)))).definition
    states = _states(definition)
    assert all(len(name) <= 80 for name in states)
    _check_transitions(definition)


def test_no_steps_gives_a_valid_machine() -> None:
    definition = render_state_machine(project()).definition
    assert definition["States"][definition["StartAt"]]["Type"] == "Succeed"
