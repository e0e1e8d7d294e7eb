"""Load whatever a user points at: one contract (with the defaults of the project around it) or
a whole project found from any path inside it. ``load_contract`` and ``load_project`` raise
``ContractForgeError`` (exit code 2, located problems) for any bad input; they never print.
"""

from __future__ import annotations

from pathlib import Path

from contractforge.errors import ContractForgeError
from contractforge.loader.bundle import LoadedBundle, ProjectContext, display_path, load_bundle
from contractforge.loader.errors import SourceLocator, validate
from contractforge.loader.project import (
    LoadedProject,
    find_project_above,
    find_project_file,
    load_project_file,
)
from contractforge.loader.yaml_source import load_mapping
from contractforge.models import Project


def _adapter_from_path(contract: Path, root: Path) -> str | None:
    """``contracts/<adapter>/...`` below the project root names the adapter
    (docs/contract-language.md#loading-rules)."""
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
            "this is a project, not a contract: validate it without --kind, or name one of its contract files",
            file=display_path(path),
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
    return load_project_file(project_file, env)
