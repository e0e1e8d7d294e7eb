"""``compile``: plan → render (pure) → write or check. The CLI and ``api.compile_project`` use this."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from contractforge.project_plan import ProjectPlan
from contractforge.render.build import CompileOptions, render_build
from contractforge.render.inputs import load_module_files, load_runtime_files
from contractforge.writer import TreeDiff, check_tree, write_tree


@dataclass(frozen=True)
class CompileResult:
    out_dir: Path
    files: dict[str, bytes] = field(repr=False)
    warnings: tuple[str, ...]
    diff: TreeDiff | None  # what differed before writing (compile) or what is out of date (check)
    blocked_steps: tuple[str, ...] = ()  # non-runnable steps: nothing was rendered
    blockers: tuple[str, ...] = ()  # "<step>: <file>: <code> <message>" of their blocking diagnostics

    @property
    def ok(self) -> bool:
        return not self.blocked_steps

    @property
    def total_bytes(self) -> int:
        return sum(len(content) for content in self.files.values())


def plan_for(path: str | Path, env: str) -> ProjectPlan:
    from contractforge import api

    if hasattr(api, "plan_project"):
        return api.plan_project(path, env=env)
    from contractforge.planner.project import plan_loaded_project

    return plan_loaded_project(api.load_project(path, env))


def render_plan(plan: ProjectPlan, options: CompileOptions) -> tuple[dict[str, bytes], tuple[str, ...]]:
    tree = render_build(plan, options, load_module_files(), load_runtime_files())
    return tree.files, tree.warnings


def compile_project(
    path: str | Path,
    env: str = "aws",
    out: str | Path = "build/aws",
    *,
    check: bool = False,
    module_source: str = "vendored",
    endpoint_url: str | None = None,
) -> CompileResult:
    plan = plan_for(path, env)
    out_dir = Path(out)
    blocked = tuple(step.name for step in plan.steps if not step.runnable)
    project_blockers = tuple(
        f"project: {d.file or 'project.yaml'}: {d.code} {d.message}"
        for d in plan.diagnostics
        if d.severity == "blocker"
    )
    if blocked or project_blockers:
        blockers = project_blockers + tuple(
            f"{step.name}: {d.file or step.contract_path}: {d.code} {d.message}"
            for step in plan.steps
            if not step.runnable
            for d in step.diagnostics
            if d.severity == "blocker"
        )
        return CompileResult(out_dir, {}, (), None, blocked or ("(project)",), blockers)
    files, warnings = render_plan(
        plan, CompileOptions(module_source=module_source, endpoint_url=endpoint_url)
    )
    diff = check_tree(files, out_dir) if check else write_tree(files, out_dir)
    return CompileResult(out_dir, files, warnings, diff)
