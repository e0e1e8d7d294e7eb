"""Packs: several steps' run plans in one Spark application (one Glue job run).

Steps start in ``depends_on`` order; independent steps run at the same time in threads, each in its
own Spark scheduler pool (named after the step; with ``spark.scheduler.mode=FAIR`` the pools share
the executors fairly, with FIFO they queue). Every step is an ordinary ``run_plan`` call, so it keeps
its own lock, idempotency decision, evidence rows, quality outcome and skips. A step whose
dependency did not end SUCCESS or SKIPPED is NOT_RUN (its own dependants too); the other steps
finish. ``expected_result: failed`` steps that fail are EXPECTED_FAILURE (the pack still succeeds),
one that succeeds is UNEXPECTED_SUCCESS. The pack as a whole fails (``PackFailed``, so the Glue job
run fails and its error message names the steps) when any step ended unexpectedly.

A pack plan (``kind: contractforge.aws.pack_plan``) lists the steps with their run plan URIs:
``{"kind", "pack_version": 1, "pack": name, "max_parallel": n,
   "steps": [{"name", "plan_uri", "depends_on": [...], "expected_result"}]}``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

PACK_KIND = "contractforge.aws.pack_plan"
OK = ("SUCCESS", "SKIPPED", "EXPECTED_FAILURE")
UNEXPECTED = ("FAILED", "UNEXPECTED_SUCCESS", "NOT_RUN")
DEFAULT_MAX_PARALLEL = 4


class PackFailed(RuntimeError):
    """At least one step of the pack ended unexpectedly (its message names them and their status)."""

    def __init__(self, pack: str, outcomes: list[PackedOutcome]):
        self.outcomes = outcomes
        bad = [f"{o.name}={o.status}" for o in outcomes if o.status in UNEXPECTED]
        super().__init__(f"pack {pack}: {len(bad)} step(s) did not succeed: {', '.join(bad)}")


@dataclass(frozen=True)
class PackedStep:
    name: str
    plan: dict
    depends_on: tuple[str, ...] = ()  # steps of the same pack (others are the orchestrator's business)
    expected_result: str = "success"


@dataclass
class PackedOutcome:
    name: str
    status: str = "NOT_RUN"
    result: object | None = None  # RunResult
    seconds: float = 0.0  # wall time of the step inside the pack (cost attribution, docs/cost.md)
    message: str | None = None
    threads: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        result = self.result
        return {
            "step": self.name,
            "status": self.status,
            "run_id": getattr(result, "run_id", None),
            "skip_reason": getattr(result, "skip_reason", None),
            "rows_read": getattr(result, "rows_read", None),
            "rows_written": getattr(result, "rows_written", None),
            "seconds": round(self.seconds, 3),
            "message": self.message,
        }


def check_pack(steps: list[PackedStep]) -> None:
    names = [s.name for s in steps]
    if len(set(names)) != len(names):
        raise ValueError(f"a pack names a step twice: {names}")
    known = set(names)
    remaining = {s.name: {d for d in s.depends_on if d in known} for s in steps}
    while remaining:
        ready = [n for n, deps in remaining.items() if not deps & remaining.keys()]
        if not ready:
            raise ValueError(f"depends_on has a cycle among pack steps {sorted(remaining)}")
        for name in ready:
            del remaining[name]


def run_pack(
    spark,
    steps: list[PackedStep],
    context_for: Callable[[PackedStep], object],
    max_parallel: int = DEFAULT_MAX_PARALLEL,
    on_outcome: Callable[[PackedOutcome], None] = lambda outcome: None,
) -> list[PackedOutcome]:
    """Run the steps (DAG order, independent ones concurrently); one outcome per step, in input order."""
    check_pack(steps)
    from pyspark import inheritable_thread_target

    known = {s.name for s in steps}
    outcomes = {s.name: PackedOutcome(s.name) for s in steps}
    pending = {s.name: s for s in steps}
    running: dict[Future, PackedStep] = {}

    def execute(step: PackedStep) -> PackedOutcome:
        return _run_one(spark, step, context_for(step), outcomes[step.name])

    runner = inheritable_thread_target(execute)
    with ThreadPoolExecutor(max_workers=max(1, max_parallel), thread_name_prefix="cf-pack") as pool:
        while pending or running:
            for name, step in list(pending.items()):
                deps = [d for d in step.depends_on if d in known]
                if any(d in pending or _is_running(d, running) for d in deps):
                    continue
                del pending[name]
                blockers = [d for d in deps if outcomes[d].status not in OK]
                if blockers:
                    outcomes[name].message = f"dependency did not succeed: {', '.join(blockers)}"
                    on_outcome(outcomes[name])
                    continue
                running[pool.submit(runner, step)] = step
            if not running:
                continue
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in done:
                running.pop(future)
                on_outcome(future.result())
    return [outcomes[s.name] for s in steps]


def _is_running(name: str, running: dict[Future, PackedStep]) -> bool:
    return any(step.name == name for step in running.values())


def _run_one(spark, step: PackedStep, ctx, outcome: PackedOutcome) -> PackedOutcome:
    from contractforge_runtime.run.batch import run_plan

    spark.sparkContext.setLocalProperty("spark.scheduler.pool", step.name)
    began = time.perf_counter()
    try:
        result = run_plan(spark, step.plan, ctx, raise_on_failure=False)
    except BaseException as error:  # noqa: BLE001 - e.g. evidence unreachable: the step failed, siblings go on
        outcome.status, outcome.message = "FAILED", f"{type(error).__name__}: {error}"
        return outcome
    finally:
        outcome.seconds = time.perf_counter() - began
        spark.sparkContext.setLocalProperty("spark.scheduler.pool", None)
    outcome.result = result
    outcome.status = result.status
    if result.error is not None:
        outcome.message = f"{type(result.error).__name__}: {result.error}"
    if step.expected_result == "failed":
        outcome.status = "EXPECTED_FAILURE" if result.status == "FAILED" else "UNEXPECTED_SUCCESS"
    return outcome


def raise_if_failed(pack: str, outcomes: list[PackedOutcome]) -> None:
    if any(o.status in UNEXPECTED for o in outcomes):
        raise PackFailed(pack, outcomes)
