"""Public library API of the compiler (the CLI is a thin layer over it).

``load_contract`` and ``load_project`` raise ``ContractForgeError`` (exit code 2, located
problems) for any bad input; they never print.
"""

from __future__ import annotations

from pathlib import Path

from contractforge.errors import ContractForgeError
from contractforge.loader.bundle import LoadedBundle, ProjectContext, display_path, load_bundle
from contractforge.loader.errors import SourceLocator, validate
from contractforge.loader.project import LoadedProject, LoadedStep, find_project_above, find_project_file
from contractforge.loader.project import load_project as _load_project
from contractforge.loader.yaml_source import load_mapping
from contractforge.models import Project
from contractforge.project_plan import ProjectPlan

__all__ = ["LoadedBundle", "LoadedProject", "LoadedStep", "load_contract", "load_project", "plan_project"]


def _adapter_from_path(contract: Path, root: Path) -> str | None:
    """``contracts/<adapter>/...`` below the project root names the adapter (ref §1.1 step 5)."""
    try:
        parts = contract.resolve().relative_to(root.resolve()).parts
    except ValueError:
        return None
    return parts[1] if len(parts) > 2 and parts[0] == "contracts" else None


def load_contract(path: str | Path) -> LoadedBundle:
    """Load one contract bundle from an ingestion/section file, a bundle base path or a contract
    directory. Project defaults apply when a ``project.yaml`` sits in an ancestor directory."""
    path = Path(path)
    if find_project_file(path) is not None:
        raise ContractForgeError.single(
            "this is a project; use load_project()/`validate` on it", file=display_path(path)
        )
    project_file = find_project_above(path if path.exists() else path.parent)
    context = None
    if project_file is not None:
        document = load_mapping(project_file, display_path(project_file), what="project.yaml")
        validate(Project, document.data, SourceLocator.single(document.source_map))
        root = project_file.parent
        context = ProjectContext(
            root=root,
            defaults=document.data.get("defaults"),
            adapter=_adapter_from_path(path, root),
            source_map=document.source_map,
        )
    return load_bundle(path, context)


def load_project(path: str | Path, env: str = "aws") -> LoadedProject:
    """Load a project for environment key ``env`` from a project directory, a project.yaml, or any
    contract file/directory inside the project."""
    path = Path(path)
    project_file = find_project_file(path) or find_project_above(path if path.exists() else path.parent)
    if project_file is None:
        raise ContractForgeError.single(
            "no project.yaml here or in any parent directory",
            file=display_path(path),
            code="PROJECT_NOT_FOUND",
        )
    return _load_project(project_file, env)


def plan_project(path: str | Path, env: str = "aws") -> ProjectPlan:
    """Load, validate (both depths) and plan a project: the frozen ``ProjectPlan`` every renderer,
    the local runner and ops start from. Raises ``ContractForgeError`` (exit 2) for invalid input;
    blockers and review items are diagnostics on the steps (``plan.has_blockers``)."""
    from contractforge.planner.project import plan_loaded_project  # the planner imports the loader

    return plan_loaded_project(load_project(path, env))


# --- compile (engineer B) -------------------------------------------------------------------


def compile_project(
    path: str | Path,
    env: str = "aws",
    out: str | Path = "build/aws",
    *,
    check: bool = False,
    module_source: str = "vendored",
    endpoint_url: str | None = None,
):
    """Compile a project into a self-contained Terraform root under ``out`` (or, with ``check``,
    compare ``out`` with what would be written). Returns a ``contractforge.compiling.CompileResult``."""
    from contractforge.compiling import compile_project as _compile

    return _compile(path, env, out, check=check, module_source=module_source, endpoint_url=endpoint_url)
