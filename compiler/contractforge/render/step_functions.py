"""Project DAG (``execution_order[].depends_on``) → Amazon States Language definition.

Encoding (documented choice): the DAG is decomposed into a **series-parallel** tree and emitted
with ``Task`` states chained by ``Next`` (series) and ``Parallel`` states (one branch per
independent sub-graph). A step waits exactly for what it depends on — not for a whole
topological "level":

- independent sub-graphs (weakly connected components) become branches of one ``Parallel``;
- a connected sub-graph is cut into consecutive segments wherever *every* step after the cut
  depends (transitively) on *every* step before it — e.g. a diamond ``A → {B, C} → D`` is
  ``A → Parallel[B, C] → D``, a forest of chains is one ``Parallel`` with a branch per chain;
- the encoding is exact for every series-parallel DAG (chains, forests, fork/join, diamonds,
  nested diamonds). A DAG that is not series-parallel (the "N" shape ``A→C, A→D, B→D``) cannot
  be expressed with ``Parallel`` states alone; there the cut adding the fewest ordering
  constraints is taken and the added pairs are returned in ``added_orderings`` (reported by
  ``compile`` as a warning and in the definition's ``Comment``). Never is a dependency dropped.

Each step is a ``glue:startJobRun.sync`` task with lineage arguments from the execution
context, ``TimeoutSeconds`` = job timeout + margin, Retry on concurrency/throttling errors with
exponential backoff and jitter, and a Catch that goes to a ``Fail`` state carrying the Glue
cause under the error ``ContractForge.StepFailed`` — or, for ``expected_result: failed`` steps, to a ``Pass`` state recording
``EXPECTED_FAILURE`` so the execution continues.

Execution output (bounded, linear in the number of steps): every task records
``{JobName, JobRunId, JobRunState}`` under ``$.runs.<step>``; ``Parallel`` branches start from an
empty input and their results are kept under ``$.parallel.<state>`` (a list, one entry per
branch). Collect run records by walking the output for objects holding ``JobRunId``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from contractforge.project_plan import ProjectPlan, StepPlan

GLUE_SYNC = "arn:aws:states:::glue:startJobRun.sync"
TIMEOUT_MARGIN_SECONDS = 600  # queueing + start-up on top of the Glue job timeout
MAX_STATE_NAME = 80
CONCURRENCY_RETRY = {
    "ErrorEquals": ["Glue.ConcurrentRunsExceededException"],
    "IntervalSeconds": 30,
    "BackoffRate": 2.0,
    "MaxAttempts": 8,
    "MaxDelaySeconds": 600,
    "JitterStrategy": "FULL",
}
THROTTLING_RETRY = {
    # Glue.AWSGlueException is deliberately absent: it also covers permanent errors.
    "ErrorEquals": [
        "Glue.ThrottlingException",
        "Glue.InternalServiceException",
        "Glue.OperationTimeoutException",
    ],
    "IntervalSeconds": 5,
    "BackoffRate": 2.0,
    "MaxAttempts": 5,
    "MaxDelaySeconds": 120,
    "JitterStrategy": "FULL",
}
INITIAL_STATE = "Start"
STEP_FAILED_ERROR = "ContractForge.StepFailed"
EMPTY_RECORDS: dict[str, Any] = {"parallel": {}, "runs": {}}
LINEAGE_ARGUMENTS = {
    "--CONTRACTFORGE_PARENT_RUN_ID.$": "$$.Execution.Id",
    "--CONTRACTFORGE_RUN_GROUP_ID.$": "$$.Execution.Id",
    "--CONTRACTFORGE_MASTER_JOB_ID.$": "$$.StateMachine.Id",
    "--CONTRACTFORGE_MASTER_RUN_ID.$": "$$.Execution.Id",
}


@dataclass(frozen=True)
class Task:
    step: str


@dataclass(frozen=True)
class Series:
    parts: tuple[Any, ...]  # Task | Parallel


@dataclass(frozen=True)
class Parallel:
    branches: tuple[Any, ...]  # Task | Series | Parallel


@dataclass(frozen=True)
class StateMachineDefinition:
    definition: dict[str, Any]
    added_orderings: tuple[tuple[str, str], ...]  # (before, after) pairs not in depends_on


class _Graph:
    """Steps in project order with transitive-ancestor bitsets."""

    def __init__(self, names: list[str], depends_on: dict[str, tuple[str, ...]]) -> None:
        self.names = names
        self.index = {name: i for i, name in enumerate(names)}
        self.parents = {
            name: tuple(dep for dep in depends_on.get(name, ()) if dep in self.index and dep != name)
            for name in names
        }
        self.ancestors: dict[str, int] = {}
        order = self._topological()
        for name in order:
            mask = 0
            for parent in self.parents[name]:
                mask |= self.ancestors[parent] | self.bit(parent)
            self.ancestors[name] = mask
        descendants = dict.fromkeys(names, 0)
        for name in reversed(order):
            for parent in self.parents[name]:
                descendants[parent] |= descendants[name] | self.bit(name)
        self.related = {name: self.ancestors[name] | descendants[name] for name in names}

    def _topological(self) -> list[str]:
        order, state = [], {}
        for root in self.names:
            stack = [(root, iter(self.parents[root]))]
            if state.get(root) == 2:
                continue
            state[root] = 1
            while stack:
                node, parents = stack[-1]
                parent = next(parents, None)
                if parent is None:
                    stack.pop()
                    state[node] = 2
                    order.append(node)
                elif state.get(parent) == 1:
                    raise ValueError(f"execution_order has a dependency cycle through {parent!r}")
                elif state.get(parent) is None:
                    state[parent] = 1
                    stack.append((parent, iter(self.parents[parent])))
        return order

    def members(self, mask: int) -> list[str]:
        found = []
        while mask:
            low = mask & -mask
            found.append(self.names[low.bit_length() - 1])
            mask ^= low
        return found

    def bit(self, name: str) -> int:
        return 1 << self.index[name]


def decompose(
    names: list[str], depends_on: dict[str, tuple[str, ...]]
) -> tuple[Any, tuple[tuple[str, str], ...]]:
    """Series-parallel tree of the DAG plus the orderings that had to be added (empty when exact)."""
    if not names:
        return Series(()), ()
    graph = _Graph(names, depends_on)
    added: list[tuple[str, str]] = []
    tree = _decompose(graph, names, added)
    return tree, tuple(added)


def _decompose(graph: _Graph, nodes: list[str], added: list[tuple[str, str]]) -> Any:
    if len(nodes) == 1:
        return Task(nodes[0])
    components = _components(graph, nodes)
    if len(components) > 1:
        return Parallel(tuple(_decompose(graph, component, added) for component in components))
    segments = _series_segments(graph, nodes, added)
    parts: list[Any] = []
    for segment in segments:
        block = _decompose(graph, segment, added)
        parts.extend(block.parts if isinstance(block, Series) else [block])
    return Series(tuple(parts))


def _components(graph: _Graph, nodes: list[str]) -> list[list[str]]:
    """Weakly connected components (steps linked by any dependency path), each in project order."""
    remaining = 0
    for node in nodes:
        remaining |= graph.bit(node)
    components = []
    for node in nodes:
        if not remaining & graph.bit(node):
            continue
        component, frontier = graph.bit(node), graph.bit(node)
        while frontier:
            reach = 0
            for member in graph.members(frontier):
                reach |= graph.related[member]
            frontier = reach & remaining & ~component
            component |= frontier
        remaining &= ~component
        components.append([n for n in nodes if component & graph.bit(n)])
    return components


def _series_segments(graph: _Graph, nodes: list[str], added: list[tuple[str, str]]) -> list[list[str]]:
    """Cut a connected sub-graph where every later step descends from every earlier one.

    Any valid cut is a prefix of the steps sorted by ancestor count (an ancestor always has fewer
    ancestors), so only boundaries between distinct counts are candidates.
    """
    ordered = sorted(nodes, key=lambda n: (bin(graph.ancestors[n]).count("1"), graph.index[n]))
    counts = [bin(graph.ancestors[n]).count("1") for n in ordered]
    candidates = [k for k in range(1, len(ordered)) if counts[k - 1] < counts[k]]
    prefix, suffix = [0] * (len(ordered) + 1), [-1] * (len(ordered) + 1)
    for k, name in enumerate(ordered):
        prefix[k + 1] = prefix[k] | graph.bit(name)
    for k in range(len(ordered) - 1, -1, -1):
        suffix[k] = suffix[k + 1] & graph.ancestors[ordered[k]]
    cuts = [k for k in candidates if not prefix[k] & ~suffix[k]]
    if not cuts:
        costs = {k: _added_pairs(graph, ordered[:k], ordered[k:]) for k in candidates}
        best = min(candidates, key=lambda k: (len(costs[k]), k))
        cuts = [best]
        added.extend(costs[best])
    bounds = [0, *cuts, len(ordered)]
    segments = []
    for low, high in zip(bounds, bounds[1:], strict=False):
        members = set(ordered[low:high])
        segments.append([n for n in nodes if n in members])
    return segments


def _added_pairs(graph: _Graph, before: list[str], after: list[str]) -> list[tuple[str, str]]:
    before_mask = 0
    for name in before:
        before_mask |= graph.bit(name)
    pairs = []
    for name in after:
        missing = before_mask & ~graph.ancestors[name]
        if missing:
            pairs.extend((b, name) for b in before if missing & graph.bit(b))
    return pairs


def render_state_machine(
    plan: ProjectPlan, steps: tuple[StepPlan, ...] | None = None
) -> StateMachineDefinition:
    """ASL for the runnable steps of ``plan`` (all steps must have a Glue job name)."""
    steps = plan.steps if steps is None else steps
    names = [step.name for step in steps]
    by_name = {step.name: step for step in steps}
    tree, added = decompose(names, {step.name: step.depends_on for step in steps})
    emitter = _Emitter(by_name)
    comment = f"ContractForge project {plan.name}: {len(names)} Glue job(s); depends_on DAG as series-parallel states."
    if added:
        comment += " Added orderings (DAG is not series-parallel): " + ", ".join(
            f"{a} before {b}" for a, b in added
        )
    if not names:
        states = {"NoSteps": {"Type": "Succeed", "Comment": "The project has no runnable steps."}}
        return StateMachineDefinition({"Comment": comment, "StartAt": "NoSteps", "States": states}, added)
    states: dict[str, Any] = {}
    first = emitter.emit(tree, None, states)
    states[INITIAL_STATE] = {
        "Type": "Pass",
        "Comment": "start with empty run records (the execution input is not used)",
        "Result": dict(EMPTY_RECORDS),
        "Next": first,
    }
    return StateMachineDefinition({"Comment": comment, "StartAt": INITIAL_STATE, "States": states}, added)


class _Emitter:
    def __init__(self, steps: dict[str, StepPlan]) -> None:
        self.steps = steps
        self.parallel_count = 0
        self.used: set[str] = {INITIAL_STATE}
        self.keys: set[str] = set()

    def emit(self, block: Any, next_state: str | None, states: dict[str, Any]) -> str:
        if isinstance(block, Series):
            for part in reversed(block.parts):
                next_state = self.emit(part, next_state, states)
            return next_state
        if isinstance(block, Parallel):
            return self._parallel(block, next_state, states)
        return self._task(self.steps[block.step], next_state, states)

    def _parallel(self, block: Parallel, next_state: str | None, states: dict[str, Any]) -> str:
        self.parallel_count += 1
        name = self._name(f"Parallel {self.parallel_count}")
        branches = []
        for branch in block.branches:
            branch_states: dict[str, Any] = {}
            start = self.emit(branch, None, branch_states)
            branches.append({"StartAt": start, "States": branch_states})
        state = {
            "Type": "Parallel",
            "Parameters": dict(EMPTY_RECORDS),
            "Branches": branches,
            "ResultPath": f"$.parallel.{self._key(name)}",
        }
        states[name] = _chain(state, next_state)
        return name

    def _task(self, step: StepPlan, next_state: str | None, states: dict[str, Any]) -> str:
        name = self._name(step.name)
        key = self._key(step.name)
        catch_name = self._name(
            f"{step.name} {'expected failure' if step.expected_result == 'failed' else 'failed'}"
        )
        task = {
            "Type": "Task",
            "Comment": f"step {step.name} (expected_result {step.expected_result})",
            "Resource": GLUE_SYNC,
            "Parameters": {"JobName": step.glue.name, "Arguments": dict(LINEAGE_ARGUMENTS)},
            "TimeoutSeconds": step.glue.timeout_minutes * 60 + TIMEOUT_MARGIN_SECONDS,
            "Retry": [dict(CONCURRENCY_RETRY), dict(THROTTLING_RETRY)],
            "ResultSelector": {
                "JobName.$": "$.JobName",
                "JobRunId.$": "$.Id",
                "JobRunState.$": "$.JobRunState",
            },
            "ResultPath": f"$.runs.{key}",
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": f"$.runs.{key}", "Next": catch_name}],
        }
        states[name] = _chain(task, next_state)
        if step.expected_result == "failed":
            states[catch_name] = _chain(
                {
                    "Type": "Pass",
                    "Comment": "expected_result: failed — the failure is recorded, the execution continues",
                    "Parameters": {
                        "JobName": step.glue.name,
                        "status": "EXPECTED_FAILURE",
                        "Error.$": f"$.runs.{key}.Error",
                        "Cause.$": f"$.runs.{key}.Cause",
                    },
                    "ResultPath": f"$.runs.{key}",
                },
                next_state,
            )
        else:
            states[catch_name] = {
                "Type": "Fail",
                "Comment": f"step {step.name} (Glue job {step.glue.name}) failed",
                # A Fail state's error may not start with "States." (the Glue error usually is
                # States.TaskFailed), so the error is ours and the cause is Glue's (the job run JSON).
                "Error": STEP_FAILED_ERROR,
                "CausePath": f"$.runs.{key}.Cause",
            }
        return name

    def _key(self, name: str) -> str:
        """A unique JSONPath member name (letters, digits, underscore; never starting with a digit)."""
        key = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "_") else "_" for ch in name)
        if not key or key[0].isdigit() or key in self.keys:
            key = f"s_{key}_{hashlib.sha256(name.encode()).hexdigest()[:8]}"
        self.keys.add(key)
        return key

    def _name(self, wanted: str) -> str:
        """State names are unique in the whole machine and at most 80 characters."""
        name = wanted if len(wanted) <= MAX_STATE_NAME else _shortened(wanted)
        counter = 1
        while name in self.used:
            counter += 1
            name = (
                _shortened(f"{wanted} #{counter}")
                if len(wanted) + 4 > MAX_STATE_NAME
                else f"{wanted} #{counter}"
            )
        self.used.add(name)
        return name


def _chain(state: dict[str, Any], next_state: str | None) -> dict[str, Any]:
    return {**state, "Next": next_state} if next_state else {**state, "End": True}


def _shortened(text: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{text[: MAX_STATE_NAME - 9]}~{digest}"
