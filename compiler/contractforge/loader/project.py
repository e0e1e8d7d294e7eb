"""Load ``project.yaml`` + its environment + the contract of every step for one adapter key.

Only ``execution_order[].contracts.<env>`` is ever opened: a step with ``contracts: {aws: …,
gcp: …}`` never touches the gcp file, and a step without a contract for ``env`` is skipped
with an ``info`` diagnostic (its name is then dropped from other steps' ``depends_on``).
Unknown ``depends_on`` names and cycles are errors; every contract problem of every step is
reported together. The index target (layer, table) → producing step resolves table refs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from contractforge.errors import ContractForgeError, Problem
from contractforge.loader.bundle import (
    LoadedBundle,
    ProjectContext,
    display_path,
    load_bundle,
    load_environment_file,
)
from contractforge.loader.errors import SourceLocator, validate
from contractforge.loader.refs import ResolvedRef, TargetEntry, find_table_refs, resolve_ref, target_entry
from contractforge.loader.step_graph import check_step_graph, platform_only_tasks
from contractforge.loader.yaml_source import load_mapping
from contractforge.models import Environment, IngestionContract, Project
from contractforge.project_plan import Diagnostic

PROJECT_FILES = ("project.yaml", "project.yml")


@dataclass(frozen=True)
class LoadedStep:
    name: str
    layer: str | None  # the step's layer hint; the contract's layer is bundle.contract.layer
    description: str | None
    depends_on: tuple[str, ...]  # declared names minus steps skipped for this environment
    expected_result: str  # "success" | "failed"
    contract_path: str | None  # relative to the project root, posix; None when skipped
    bundle: LoadedBundle | None  # None when skipped
    skipped_reason: str | None = None

    @property
    def contract(self) -> IngestionContract | None:
        return self.bundle.contract if self.bundle else None


@dataclass(frozen=True)
class LoadedProject:
    name: str
    root: Path
    path: Path  # project.yaml
    env_key: str
    project: Project
    environment: Environment | None
    environment_path: Path | None
    steps: tuple[LoadedStep, ...]  # declaration order, skipped steps included
    targets: dict[tuple[str, str], TargetEntry] = field(default_factory=dict)  # (layer, table) → producer
    refs: tuple[ResolvedRef, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    locator: SourceLocator | None = None  # positions inside project.yaml

    def step(self, name: str) -> LoadedStep:
        return self._by_name[name]

    @cached_property
    def _by_name(self) -> dict[str, LoadedStep]:
        return {step.name: step for step in self.steps}

    @cached_property
    def loaded_steps(self) -> tuple[LoadedStep, ...]:
        return tuple(s for s in self.steps if s.bundle is not None)

    @property
    def decisions(self) -> dict[str, tuple[dict, ...]]:
        return {s.name: s.bundle.decisions for s in self.steps if s.bundle is not None}

    def release_bundle(self, name: str) -> None:
        """Drop step ``name``'s bundle (its contract model, mapping and source maps). Only the owner of
        the project calls it, once the bundle is consumed: the planner of a compile releases each step
        as soon as it is planned, so the loaded contracts and the run plans of thousands of steps are
        not all held at once. The step keeps its name, path and dependencies; the project then only
        answers questions about those."""
        object.__setattr__(self._by_name[name], "bundle", None)


def find_project_file(path: Path) -> Path | None:
    if path.is_file():
        return path if path.name in PROJECT_FILES else None
    for name in PROJECT_FILES:
        if (path / name).is_file():
            return path / name
    return None


def find_project_above(path: Path) -> Path | None:
    """The nearest ``project.yaml`` in ``path``'s directory or an ancestor."""
    start = path.resolve()
    for directory in (start, *start.parents) if start.is_dir() else start.parents:
        found = find_project_file(directory)
        if found:
            return found
    return None


def _unknown_key_warnings(data: dict, project_file: str, smap) -> list[Diagnostic]:
    known = [info.alias or name for name, info in Project.model_fields.items()]
    warnings = []
    for key in sorted(k for k in data if k not in known and k != "_metadata"):
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
        if close:
            warnings.append(
                Diagnostic(
                    "PROJECT_UNKNOWN_KEY",
                    "warning",
                    f"unknown key '{key}' is kept as description (did you mean '{close[0]}'?)",
                    project_file,
                    (smap.locate((key,), prefer_key=True) or (None,))[0],
                    key,
                )
            )
    return warnings


def _load_environment(
    project: Project, root: Path, env: str, locator: SourceLocator, warnings: list[Diagnostic]
) -> tuple[Environment | None, Path | None]:
    if not project.environments:
        warnings.append(
            Diagnostic(
                "ENVIRONMENT_NOT_DECLARED",
                "warning",
                f"project.yaml declares no environments; '{env}' has no environment file",
                display_path(root / "project.yaml"),
                None,
                "environments",
            )
        )
        return None, None
    if env not in project.environments:
        close = difflib.get_close_matches(env, list(project.environments), n=1, cutoff=0.5)
        raise ContractForgeError(
            [
                locator.problem(
                    ("environments",),
                    f"no environment '{env}'; declared: {', '.join(sorted(project.environments))}",
                    close[0] if close else None,
                    "UNKNOWN_ENVIRONMENT",
                )
            ]
        )
    path = root / project.environments[env]
    if not path.is_file():
        raise ContractForgeError(
            [
                locator.problem(
                    ("environments", env),
                    _not_a_file(path, "environment file", project.environments[env]),
                    code="FILE_NOT_FOUND",
                )
            ]
        )
    environment, _ = load_environment_file(path)
    return environment, path


def _not_a_file(path: Path, what: str, relative: str) -> str:
    return (
        f"{what} {relative} is a directory, not a file" if path.is_dir() else f"{what} not found: {relative}"
    )


def load_project_file(path: str | Path, env: str = "aws") -> LoadedProject:
    """Load and validate the project whose project.yaml is ``path`` (or sits in directory ``path``)
    for one environment key (see module docstring)."""
    given = Path(path)
    project_file = find_project_file(given)
    if project_file is None:
        raise ContractForgeError.single(
            "no project.yaml here", file=display_path(given), code="PROJECT_NOT_FOUND"
        )
    root = project_file.parent
    document = load_mapping(project_file, display_path(project_file), what="project.yaml")
    locator = SourceLocator.single(document.source_map)
    project = validate(Project, document.data, locator)
    warnings = _unknown_key_warnings(document.data, display_path(project_file), document.source_map)
    check_step_graph(project, locator, env)
    environment, environment_path = _load_environment(project, root, env, locator, warnings)

    context = ProjectContext(
        root=root, defaults=document.data.get("defaults"), adapter=env, source_map=document.source_map
    )
    bundles = _load_step_bundles(project, context, locator, display_path(project_file), warnings)
    targets = _index_targets(bundles.loaded, warnings)
    refs = _resolve_refs(bundles.loaded, targets, warnings)
    steps = _loaded_steps(project, bundles, env, warnings, locator, display_path(project_file))
    return LoadedProject(
        name=project.name,
        root=root,
        path=project_file,
        env_key=env,
        project=project,
        environment=environment,
        environment_path=environment_path,
        steps=tuple(steps),
        targets=targets,
        refs=tuple(refs),
        warnings=tuple(warnings),
        locator=locator,
    )


@dataclass
class _StepBundles:
    loaded: dict[str, LoadedBundle]  # step name → its bundle (steps with a contract for the env)
    skipped: set[str]  # steps without a contract for the env
    relative_paths: dict[str, str]  # step name → contract path relative to the root (posix)


def _load_step_bundles(
    project: Project, context: ProjectContext, locator: SourceLocator, project_file: str, warnings: list
) -> _StepBundles:
    """Every step's bundle for ``context.adapter``; all load problems of all steps raise together."""
    env, root = context.adapter, context.root
    problems: list[Problem] = []
    bundles = _StepBundles({}, set(), {})
    for index, step in enumerate(project.execution_order):
        relative = step.contracts.get(env)
        if relative is None:
            bundles.skipped.add(step.name)
            warnings.append(
                Diagnostic(
                    "STEP_SKIPPED_FOR_ENVIRONMENT",
                    "info",
                    f"step '{step.name}' has no contract for '{env}' and is skipped",
                    project_file,
                    locator.locate(("execution_order", index), prefer_key=True)[1],
                    f"execution_order[{index}].contracts",
                )
            )
            continue
        contract_file = root / relative
        if not contract_file.is_file():
            path = ("execution_order", index, "contracts", env)
            problems.append(
                locator.problem(
                    path, _not_a_file(contract_file, "contract file", relative), code="FILE_NOT_FOUND"
                )
            )
            continue
        try:
            bundles.loaded[step.name] = load_bundle(contract_file, context)
            bundles.relative_paths[step.name] = Path(relative).as_posix()
        except ContractForgeError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ContractForgeError(problems)
    return bundles


def _index_targets(loaded: dict[str, LoadedBundle], warnings: list) -> dict[tuple[str, str], TargetEntry]:
    """(layer, table) → the first step writing it; a second writer of the same table is a warning."""
    targets: dict[tuple[str, str], TargetEntry] = {}
    for name, bundle in loaded.items():
        entry = target_entry(name, bundle.contract)
        key = (entry.layer, entry.table)
        if key in targets and targets[key].identifier == entry.identifier:
            message = f"steps '{targets[key].step}' and '{name}' both write {entry.identifier}"
            warnings.append(
                Diagnostic("DUPLICATE_TARGET", "warning", message, display_path(bundle.path), None, "target")
            )
        targets.setdefault(key, entry)
    return targets


def _resolve_refs(
    loaded: dict[str, LoadedBundle], targets: dict[tuple[str, str], TargetEntry], warnings: list
) -> list[ResolvedRef]:
    refs: list[ResolvedRef] = []
    for name, bundle in loaded.items():
        for use in find_table_refs(bundle.contract):
            resolved = resolve_ref(use, name, bundle.contract, targets)
            refs.append(resolved)
            if resolved.via == "layer_convention":
                file, line, _ = bundle.locate(use.field)
                message = (f"no step of this project writes {use.layer}.{use.table}; assuming {resolved.identifier} "
                           "(layer-suffix convention)")  # fmt: skip
                warnings.append(Diagnostic("TABLE_REF_UNRESOLVED", "warning", message, file, line, use.field))
    return refs


def _loaded_steps(
    project: Project,
    bundles: _StepBundles,
    env: str,
    warnings: list,
    locator: SourceLocator,
    project_file: str,
) -> list[LoadedStep]:
    elsewhere = platform_only_tasks(project, env)
    dropped = bundles.skipped | (set(elsewhere) - set(bundles.loaded))
    steps = []
    for index, step in enumerate(project.execution_order):
        bundle = bundles.loaded.get(step.name)
        for dep in step.depends_on:
            if dep in elsewhere and dep not in bundles.loaded and dep not in bundles.skipped:
                warnings.append(
                    Diagnostic(
                        "PLATFORM_ONLY_DEPENDENCY",
                        "info",
                        f"step '{step.name}' depends on '{dep}', an extra task of the {elsewhere[dep]} schedule "
                        f"only: it is not part of the '{env}' graph and the dependency is dropped",
                        project_file,
                        locator.locate(("execution_order", index, "depends_on"))[1],
                        f"execution_order[{index}].depends_on",
                    )
                )
        steps.append(
            LoadedStep(
                name=step.name,
                layer=step.layer,
                description=step.description,
                depends_on=tuple(d for d in step.depends_on if d not in dropped),
                expected_result=step.expected_result,
                contract_path=bundles.relative_paths.get(step.name),
                bundle=bundle,
                skipped_reason=None if bundle else f"no contract for environment '{env}'",
            )
        )
        if bundle:
            warnings.extend(bundle.warnings)
    return steps
