"""``run --local``: plan a project in memory and run its steps on one embedded Spark session.

With a packed layout (``parameters.aws.packing``) each pack runs through the runtime's ``run_pack``,
as its Glue job would (steps of a pack side by side); otherwise steps run one after another.

Steps run in depends_on order (execution_order breaks ties); a step runs only when every selected
dependency SUCCEEDED or was SKIPPED (nothing new is still a success). ``expected_result: failed``
steps that fail are EXPECTED_FAILURE, not errors; one that succeeds is UNEXPECTED_SUCCESS.
The same runtime evaluator as in Glue runs each run plan; s3:// paths map under ``s3_root``.
"""

from __future__ import annotations

import sys
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

from contractforge.errors import ContractForgeError
from contractforge.local.plan_cache import cached_plan
from contractforge.planner.packing import PackLayout, pack_layout
from contractforge.project_plan import ProjectPlan, StepPlan

OK_STATUSES = ("SUCCESS", "SKIPPED")
UNEXPECTED = ("FAILED", "UNEXPECTED_SUCCESS", "BLOCKED")


@dataclass
class StepOutcome:
    name: str
    status: str  # SUCCESS | SKIPPED | FAILED | EXPECTED_FAILURE | UNEXPECTED_SUCCESS | NOT_RUN | BLOCKED
    expected_result: str = "success"
    quality_status: str | None = None
    rows_read: int | None = None
    rows_written: int | None = None
    rows_quarantined: int | None = None
    changes: dict[str, int] | None = None  # inserted / updated / deleted / reactivated / unchanged
    skip_reason: str | None = None
    run_id: str | None = None
    duration_seconds: float | None = None
    error_message: str | None = None
    operation_metrics: dict | None = (
        None  # what the write measured (ctrl_ingestion_runs.operation_metrics_json)
    )

    @property
    def unexpected(self) -> bool:
        return self.status in UNEXPECTED

    def as_dict(self) -> dict:
        return asdict(self)


def order_steps(steps: tuple[StepPlan, ...] | list[StepPlan]) -> list[StepPlan]:
    """Topological order by depends_on; among ready steps, the execution_order position wins."""
    position = {s.name: i for i, s in enumerate(steps)}
    remaining = {s.name: s for s in steps}
    ordered: list[StepPlan] = []
    while remaining:
        ready = [s for s in remaining.values() if not any(d in remaining for d in s.depends_on)]
        if not ready:
            raise ContractForgeError.single(f"depends_on has a cycle among steps {sorted(remaining)}")
        step = min(ready, key=lambda s: position[s.name])
        ordered.append(step)
        del remaining[step.name]
    return ordered


def select_steps(plan: ProjectPlan, names: list[str] | None) -> list[StepPlan]:
    if not names:
        return list(plan.steps)
    known = {s.name for s in plan.steps}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ContractForgeError.single(
            f"unknown step(s) {unknown}; the project has {sorted(known)}", field="--steps"
        )
    return [s for s in plan.steps if s.name in names]


def _blocked_message(step: StepPlan) -> str:
    reasons = [d.message for d in step.diagnostics if d.severity in ("blocker", "review")]
    return f"{step.status}: " + ("; ".join(reasons) if reasons else "the step has no run plan")


def run_project_locally(
    project_path: str | Path,
    env: str = "aws",
    steps: list[str] | None = None,
    s3_root: str | Path = ".contractforge/s3",
    home: str | Path | None = None,
    accept_expected_failures: bool = True,
    spark=None,
    out: TextIO | None = None,
    run_key: str | None = None,
) -> list[StepOutcome]:
    """Run the project's steps locally and return one outcome per selected step (in run order).

    The plan is kept in the home (``local.plan_cache``), so the evidence commands that follow do not plan
    again; given a ``spark`` session and no ``home``, nothing is kept (the session's home is its own)."""
    out = out if out is not None else sys.stderr
    home_dir = Path(home if home is not None else ".contractforge")
    if home is None and spark is not None:
        from contractforge.api import plan_project

        plan = plan_project(project_path, env=env)
    else:
        plan = cached_plan(project_path, env, home_dir, create_home=True)
    selected = order_steps(select_steps(plan, steps))
    if spark is None:
        from contractforge.local.spark import get_local_spark

        spark = get_local_spark(home_dir / "warehouse", home_dir / "iceberg_catalog.sqlite")
    run_group_id = f"local:{plan.name}:{uuid.uuid4().hex[:12]}"
    layout = pack_layout(plan)
    if layout.packed:  # as the pack jobs would: steps of a pack side by side (run_packs_locally)
        packed = run_packs_locally(
            spark, layout, selected, str(s3_root), run_group_id, accept_expected_failures, out
        )
        result = [packed[s.name] for s in selected]
        print(summary_table(result), file=out, flush=True)
        return result
    selected_names = {s.name for s in selected}
    outcomes: dict[str, StepOutcome] = {}
    for index, step in enumerate(selected, start=1):
        print(f"[{index}/{len(selected)}] {step.name} ...", file=out, flush=True)
        blockers = [
            d for d in step.depends_on if d in selected_names and outcomes[d].status not in OK_STATUSES
        ]
        if blockers:
            outcome = StepOutcome(
                step.name,
                "NOT_RUN",
                step.expected_result,
                skip_reason=f"dependency did not succeed: {', '.join(blockers)}",
            )
        elif not step.runnable:
            outcome = StepOutcome(
                step.name, "BLOCKED", step.expected_result, error_message=_blocked_message(step)
            )
        else:
            outcome = _run_step(spark, step, str(s3_root), run_group_id, accept_expected_failures, run_key)
        outcomes[step.name] = outcome
        print(f"    {_progress_line(outcome)}", file=out, flush=True)
    result = [outcomes[s.name] for s in selected]
    print(summary_table(result), file=out, flush=True)
    return result


def _run_step(
    spark,
    step: StepPlan,
    s3_root: str,
    run_group_id: str,
    accept_expected_failures: bool,
    run_key: str | None,
) -> StepOutcome:
    from contractforge_runtime.environment.context import RunContext
    from contractforge_runtime.run import run_plan

    ctx = RunContext.local(step.name, s3_root=s3_root, run_group_id=run_group_id, run_key=run_key)
    began = time.perf_counter()
    result = run_plan(spark, step.run_plan, ctx, raise_on_failure=False)
    outcome = StepOutcome(
        name=step.name,
        status=result.status,
        expected_result=step.expected_result,
        quality_status=result.quality_status,
        rows_read=result.rows_read,
        rows_written=result.rows_written,
        rows_quarantined=result.rows_quarantined,
        changes=_changes(result),
        skip_reason=result.skip_reason,
        run_id=result.run_id,
        duration_seconds=round(time.perf_counter() - began, 1),
        operation_metrics=dict(result.operation_metrics) or None,
        # the same redaction as the evidence rows: secret values and values fetched through placeholders
        error_message=None
        if result.error is None
        else ctx.secret_resolver().redact(_error_text(result.error)),
    )
    if step.expected_result == "failed":
        if outcome.status == "FAILED" and accept_expected_failures:
            outcome.status = "EXPECTED_FAILURE"
        elif outcome.status != "FAILED":
            outcome.status = "UNEXPECTED_SUCCESS"
    return outcome


def _error_text(error: BaseException) -> str:
    from contractforge_runtime.environment.root_cause import describe

    return describe(error)


def _changes(result) -> dict[str, int] | None:
    """What the write did to the target's rows (logical counts, ctrl_ingestion_runs rows_*)."""
    if result.rows_read is None:
        return None
    metrics = result.operation_metrics or {}
    changes = {
        "inserted": result.rows_inserted,
        "updated": result.rows_updated,
        "deleted": result.rows_deleted,
    }
    for name in ("reactivated", "unchanged"):
        if f"rows_{name}" in metrics:
            changes[name] = int(metrics[f"rows_{name}"])
    return changes


def _progress_line(o: StepOutcome) -> str:
    text = o.status
    if o.skip_reason:
        text += f" ({o.skip_reason})"
    if o.quality_status:
        text += f" quality={o.quality_status}"
    if o.rows_read is not None:
        text += f" read={o.rows_read} written={o.rows_written} quarantined={o.rows_quarantined}"
    if o.changes:
        text += " (" + " ".join(f"{k}={v}" for k, v in o.changes.items()) + ")"
    if o.duration_seconds is not None:
        text += f" {o.duration_seconds:.1f}s"
    if o.error_message:
        text += f"\n    error: {o.error_message.splitlines()[0][:500]}"
    return text


def summary_table(outcomes: list[StepOutcome]) -> str:
    header = ("step", "status", "quality", "read", "written", "quarantined", "seconds")
    rows = [
        (
            o.name,
            o.status + (f" ({o.skip_reason})" if o.skip_reason else ""),
            o.quality_status or "-",
            _n(o.rows_read),
            _n(o.rows_written),
            _n(o.rows_quarantined),
            "-" if o.duration_seconds is None else f"{o.duration_seconds:.1f}",
        )
        for o in outcomes
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]
    ]
    return "\n".join(lines)


def _n(value) -> str:
    return "-" if value is None else str(value)


# ---- packed layouts (parameters.aws.packing): each pack through the runtime's run_pack ----------
def run_packs_locally(
    spark,
    layout: PackLayout,
    selected: list[StepPlan],
    s3_root: str,
    run_group_id: str,
    accept_expected_failures: bool,
    out: TextIO,
) -> dict[str, StepOutcome]:
    from contractforge_runtime.environment.context import RunContext
    from contractforge_runtime.run.pack import PackedStep, run_pack

    by_name = {s.name: s for s in selected}
    outcomes: dict[str, StepOutcome] = {}
    for pack in _pack_order(layout):
        members = [by_name[n] for n in pack.steps if n in by_name]
        ready = []
        for step in members:
            outside = [d for d in step.depends_on if d in by_name and d not in pack.steps]
            blockers = [d for d in outside if outcomes[d].status not in OK_STATUSES]
            if blockers:
                outcomes[step.name] = StepOutcome(
                    step.name, "NOT_RUN", step.expected_result,
                    skip_reason=f"dependency did not succeed: {', '.join(blockers)}",
                )  # fmt: skip
            elif not step.runnable:
                outcomes[step.name] = StepOutcome(
                    step.name, "BLOCKED", step.expected_result, error_message=_blocked_message(step)
                )
            else:
                ready.append(step)
        if not ready:
            continue
        print(f"[pack {pack.name}] {', '.join(s.name for s in ready)} ...", file=out, flush=True)
        names = {s.name for s in ready}
        packed = [
            PackedStep(s.name, s.run_plan, tuple(d for d in s.depends_on if d in names), s.expected_result)
            for s in ready
        ]
        results = run_pack(
            spark,
            packed,
            lambda p: RunContext.local(p.name, s3_root=s3_root, run_group_id=run_group_id),
            max_parallel=pack.max_parallel,
        )
        for result in results:
            outcome = _outcome(result, by_name[result.name], accept_expected_failures)
            outcomes[result.name] = outcome
            print(f"    {result.name}: {_progress_line(outcome)}", file=out, flush=True)
    return outcomes


def _outcome(packed, step: StepPlan, accept_expected_failures: bool) -> StepOutcome:
    status = packed.status
    if status == "EXPECTED_FAILURE" and not accept_expected_failures:
        status = "FAILED"
    outcome = StepOutcome(step.name, status, step.expected_result)
    if status in ("FAILED", "NOT_RUN"):
        outcome.error_message = packed.message
    result = packed.result  # None when the step never ran
    if result is not None:
        outcome.quality_status, outcome.skip_reason = result.quality_status, result.skip_reason
        outcome.rows_read, outcome.rows_written = result.rows_read, result.rows_written
        outcome.rows_quarantined, outcome.run_id = result.rows_quarantined, result.run_id
        outcome.changes, outcome.operation_metrics = _changes(result), dict(result.operation_metrics) or None
        outcome.duration_seconds = round(packed.seconds, 1)
    return outcome


def _pack_order(layout: PackLayout):
    done: set[str] = set()
    remaining = list(layout.packs)
    while remaining:
        ready = [p for p in remaining if all(d in done for d in p.depends_on)]
        for pack in ready:
            done.add(pack.name)
            yield pack
        remaining = [p for p in remaining if p.name not in done]
