"""Packing: which steps share one Glue job run (environment ``parameters.aws.packing``).

Layouts:
- ``none``: one job per step (isolation: each step its own role, retries and job bookmark);
- ``wave``: one job per depends_on level (steps whose dependencies are all in earlier waves);
- ``project``: one job for the whole project;
- ``groups``: the named groups are packs, every other step stays alone.

``packing`` is a layout name or ``{layout, groups: {name: [steps]}, max_parallel}``. A pack's job
settings are the most demanding of its steps' (largest worker type and count, the sum of the
timeouts capped at Glue's 2,880 minutes, FLEX only when every step allows it, unions of
connections and dependencies). Pack dependencies come from the steps' depends_on; a grouping that
would make packs wait on each other in a cycle is refused. docs/cost.md explains the choice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from contractforge import naming
from contractforge.errors import ContractForgeError
from contractforge.planner.glue_settings import AUTO_SCALING_ARGUMENT
from contractforge.project_plan import GlueJobSettings, ProjectPlan, StepPlan
from contractforge.validation.locate import Problems
from contractforge.validation.packing_rules import check_pack_versions, check_packing, group_members, rounds

LAYOUTS = ("none", "wave", "project", "groups")
DEFAULT_LAYOUT = "none"
DEFAULT_MAX_PARALLEL = 4
MAX_TIMEOUT_MINUTES = 2880
WORKER_ORDER = ("G.025X", "G.1X", "G.2X", "G.4X", "G.8X")
FIELD = "parameters.aws.packing"


@dataclass(frozen=True)
class Pack:
    name: str
    steps: tuple[str, ...]  # DAG order
    depends_on: tuple[str, ...]  # other packs
    glue: GlueJobSettings
    max_parallel: int = DEFAULT_MAX_PARALLEL


@dataclass(frozen=True)
class PackLayout:
    layout: str
    packs: tuple[Pack, ...]

    @property
    def packed(self) -> bool:
        return self.layout != "none"

    def pack_of(self, step: str) -> Pack:
        for pack in self.packs:
            if step in pack.steps:
                return pack
        raise KeyError(step)

    def job_plan(self, plan: ProjectPlan) -> ProjectPlan:
        """The plan as the orchestration and ops see it: one "step" per Glue job (each pack)."""
        if not self.packed:
            return plan
        by_name = {s.name: s for s in plan.steps}
        return replace(
            plan, steps=tuple(unit_step(pack, [by_name[n] for n in pack.steps]) for pack in self.packs)
        )


def unit_step(pack: Pack, steps: list[StepPlan]) -> StepPlan:
    """A pack as one orchestration unit: its job, its dependencies on other packs; it fails only
    when one of its steps ends unexpectedly (hence expected_result success)."""
    first = steps[0]
    warehouse = ((first.run_plan or {}).get("target") or {}).get("warehouse")
    return replace(
        first,
        name=pack.name,
        depends_on=pack.depends_on,
        expected_result="success",
        glue=pack.glue,
        run_plan={"target": {"warehouse": warehouse}},
    )


def packing_settings(plan: ProjectPlan) -> dict[str, Any]:
    """``{"layout", "groups", "max_parallel"}`` from the environment (string shorthand accepted)."""
    aws = ((plan.environment or {}).get("parameters") or {}).get("aws") or {}
    raw = aws.get("packing")
    if raw is None:
        raw = {}
    if isinstance(raw, str):
        raw = {"layout": raw}
    if not isinstance(raw, dict):
        raise ContractForgeError.single(f"must be one of {LAYOUTS} or a mapping", field=FIELD)
    layout = raw.get("layout") or ("groups" if raw.get("groups") else DEFAULT_LAYOUT)
    if layout not in LAYOUTS:
        raise ContractForgeError.single(f"layout {layout!r} is not one of {LAYOUTS}", field=f"{FIELD}.layout")
    max_parallel = raw.get("max_parallel", DEFAULT_MAX_PARALLEL)
    if not isinstance(max_parallel, int) or isinstance(max_parallel, bool) or not 1 <= max_parallel <= 32:
        raise ContractForgeError.single("must be an integer from 1 to 32", field=f"{FIELD}.max_parallel")
    groups = raw.get("groups") or {}
    unknown = sorted(set(raw) - {"layout", "groups", "max_parallel"})
    if unknown:
        raise ContractForgeError.single(f"unknown key(s) {unknown}", field=FIELD)
    return {"layout": layout, "groups": groups, "max_parallel": max_parallel}


def pack_layout(plan: ProjectPlan, steps: list[StepPlan] | None = None) -> PackLayout:
    settings = packing_settings(plan)
    steps = list(plan.steps if steps is None else steps)
    found = Problems()
    depends_on = {s.name: s.depends_on for s in steps}
    check_packing(found, settings, depends_on)
    if not found:
        check_pack_versions(found, settings, depends_on, {s.name: s.glue.glue_version for s in steps})
    if found:
        raise ContractForgeError(found.items)
    layout = settings["layout"]
    if layout == "none":
        members = [(s.name, [s]) for s in steps]
    elif layout == "project":
        members = [("project", steps)]
    elif layout == "wave":
        members = [(f"wave-{i:02d}", wave) for i, wave in enumerate(_waves(steps), start=1)]
    else:
        members = _groups(steps, settings["groups"])
    packs = _packs(plan, members, settings["max_parallel"], layout != "none")
    return PackLayout(layout, packs)


def _waves(steps: list[StepPlan]) -> list[list[StepPlan]]:
    names = {s.name for s in steps}
    level: dict[str, int] = {}
    for step in _ordered(steps):
        deps = [d for d in step.depends_on if d in names]
        level[step.name] = 1 + max((level[d] for d in deps), default=-1)
    waves: list[list[StepPlan]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for step in _ordered(steps):
        waves[level[step.name]].append(step)
    return waves


def _groups(steps: list[StepPlan], groups: dict[str, Any]) -> list[tuple[str, list[StepPlan]]]:
    """The named groups (checked by ``check_packing``), then every other step alone."""
    by_name = {s.name: s for s in steps}
    members = [(group, [by_name[n] for n in group_members(names)]) for group, names in sorted(groups.items())]
    taken = {s.name for _, group in members for s in group}
    return members + [(s.name, [s]) for s in steps if s.name not in taken]


def _ordered(steps: list[StepPlan]) -> list[StepPlan]:
    """Steps by round, in list order within a round."""
    round_of, stuck = rounds({s.name: list(s.depends_on) for s in steps})
    if stuck:
        raise ContractForgeError.single(f"depends_on has a cycle among {stuck}")
    return sorted(steps, key=lambda s: round_of[s.name])  # stable: list order within a round


def _packs(
    plan: ProjectPlan, members: list[tuple[str, list[StepPlan]]], max_parallel: int, packed: bool
) -> tuple[Pack, ...]:
    owner = {s.name: name for name, steps in members for s in steps}
    packs = []
    for name, steps in members:
        deps = sorted({owner[d] for s in steps for d in s.depends_on if d in owner and owner[d] != name})
        glue = pack_glue_settings(plan, name, steps) if packed else steps[0].glue
        packs.append(Pack(name, tuple(s.name for s in _ordered(steps)), tuple(deps), glue, max_parallel))
    return tuple(packs)


def pack_glue_settings(plan: ProjectPlan, pack: str, steps: list[StepPlan]) -> GlueJobSettings:
    """One job for all ``steps``: the most demanding settings of any of them."""
    first = steps[0].glue
    worker = max((s.glue.worker_type for s in steps), key=_worker_rank)
    timeout = min(MAX_TIMEOUT_MINUTES, sum(s.glue.timeout_minutes for s in steps))
    flex = all(s.glue.execution_class == "FLEX" for s in steps)
    arguments = dict(p for s in steps for p in s.glue.extra_arguments)
    # a pack's steps start and stop at different times: auto scaling releases idle workers (the
    # worker count is the ceiling) unless a step's settings say otherwise
    arguments.setdefault(AUTO_SCALING_ARGUMENT, "true")
    return replace(
        first,
        name=naming.glue_job_name(plan.name, f"pack-{pack}"),
        worker_type=worker,
        number_of_workers=max(s.glue.number_of_workers for s in steps),
        timeout_minutes=timeout,
        max_retries=min(s.glue.max_retries for s in steps),
        execution_class="FLEX" if flex else "STANDARD",
        max_concurrent_runs=1,
        job_bookmarks=any(s.glue.job_bookmarks for s in steps),
        connections=_union(s.glue.connections for s in steps),
        role_arn=first.role_arn if all(s.glue.role_arn == first.role_arn for s in steps) else None,
        extra_jars=_union(s.glue.extra_jars for s in steps),
        extra_py_files=_union(s.glue.extra_py_files for s in steps),
        additional_python_modules=_union(s.glue.additional_python_modules for s in steps),
        extra_arguments=tuple(sorted(arguments.items())),
        tags=tuple(sorted(dict(p for s in steps for p in s.glue.tags).items())),
        spark_conf=tuple(
            sorted(
                {**dict(p for s in steps for p in s.glue.spark_conf), "spark.scheduler.mode": "FAIR"}.items()
            )
        ),  # fmt: skip
    )


def _worker_rank(worker: str) -> int:
    return WORKER_ORDER.index(worker) if worker in WORKER_ORDER else len(WORKER_ORDER)


def _union(groups) -> tuple[str, ...]:
    seen: list[str] = []
    for group in groups:
        seen += [item for item in group if item not in seen]
    return tuple(seen)
