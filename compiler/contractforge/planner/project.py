"""LoadedProject → frozen ProjectPlan: semantic validation, per-step diagnostics, run plans.

Invalid input (semantic errors in any file) raises one ContractForgeError listing every
problem (exit 2). Everything else becomes coded diagnostics; a step is runnable exactly when
its status is SUPPORTED or SUPPORTED_WITH_WARNINGS, and only then does it carry a run plan.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from contractforge import naming
from contractforge.errors import ContractForgeError, Problem, dotted
from contractforge.loader.bundle import load_environment_file
from contractforge.loader.project import LoadedProject, LoadedStep
from contractforge.models import IngestionContract
from contractforge.planner.contract_rules import plan_contract
from contractforge.planner.diagnostics import diagnostic, sort_diagnostics, status_of
from contractforge.planner.glue_settings import bookmarks_enabled, default_execution_class, glue_settings
from contractforge.planner.packing import pack_layout
from contractforge.planner.project_settings import ProjectSettings, project_settings
from contractforge.planner.runplan.build import StepInputs, build_run_plan
from contractforge.planner.table_refs import RefSubstitution, TargetInfo
from contractforge.project_plan import RUNNABLE_STATUSES, Diagnostic, ProjectPlan, StepPlan
from contractforge.source_families import read_kind
from contractforge.validation.project_semantics import contract_mapping, step_where, validate_project


def _target(contract: IngestionContract) -> TargetInfo:
    target = contract.target
    return TargetInfo(target.catalog, target.schema_name, target.table, contract.layer)


def plan_loaded_project(loaded: LoadedProject, *, release_bundles: bool = False) -> ProjectPlan:
    """``release_bundles``: the caller hands ``loaded`` over; each step's bundle is released once the
    step is planned (``LoadedProject.release_bundle``), which bounds the peak memory of a large compile."""
    steps = list(loaded.loaded_steps)
    # each step's mapping is dumped twice (validation, then its plan; cheap) instead of held for every
    # step while all the bundles are still loaded
    problems = validate_project(loaded)
    if problems:
        raise ContractForgeError(problems)
    settings = project_settings(loaded)

    job_names = naming.make_unique(
        naming.glue_job_name(loaded.name, s.name, _job_name_override(s.bundle.contract)) for s in steps
    )
    planned: dict[str, StepPlan] = {}
    refs_by_step: dict[str, list] = {}
    for ref in loaded.refs:
        refs_by_step.setdefault(ref.step, []).append(ref)
    targets = {key: entry.identifier for key, entry in loaded.targets.items()}
    for step, job_name in zip(steps, job_names, strict=True):
        context = _StepContext(settings, refs_by_step.get(step.name, []), targets)
        planned[step.name] = _plan_step(loaded, context, step, contract_mapping(step), job_name)
        if release_bundles:
            loaded.release_bundle(step.name)
    cleanup = loaded.project.cleanup
    external = tuple(
        r.model_dump(mode="json", exclude_none=True)
        for r in ((cleanup.external_resources or ()) if cleanup else ())
    )
    plan = ProjectPlan(
        name=loaded.name,
        external_resources=external,
        root=loaded.root,
        environment_key=loaded.env_key,
        region=settings.region,
        artifacts_uri=settings.artifacts_uri,
        warehouse=settings.warehouse,
        evidence_database=settings.evidence_database,
        steps=tuple(_note_blocked_dependencies(loaded, planned[s.name], planned) for s in steps),
        schedule=settings.schedule,
        state_machine_name=settings.state_machine_name,
        tags=settings.tags,
        environment=settings.environment,
        # the loader's unresolved-ref warnings are step diagnostics here (they change the status)
        diagnostics=sort_diagnostics(
            [*(w for w in loaded.warnings if w.code != "TABLE_REF_UNRESOLVED"), *settings.diagnostics]
        ),
    )
    _refuse_bad_packs(plan, loaded)
    return plan


def _refuse_bad_packs(plan: ProjectPlan, loaded: LoadedProject) -> None:
    """Some packs are wrong only once their steps are planned (a pack mixing Glue versions): refused
    here, before any command acts on the plan, at the packing settings of the environment file."""
    try:
        pack_layout(plan)
    except ContractForgeError as exc:
        locator = load_environment_file(loaded.environment_path)[1] if loaded.environment_path else None
        raise ContractForgeError([_in_environment(p, locator) for p in exc.problems]) from None


def _in_environment(problem: Problem, locator) -> Problem:
    if problem.file or locator is None or not problem.field:
        return problem
    file, line, column, inner = locator.locate(tuple(problem.field.split(".")))
    return replace(problem, file=file, line=line, column=column, field=dotted(inner) or problem.field)


def _job_name_override(contract: IngestionContract) -> str | None:
    aws = contract.extensions.aws
    return aws.glue_job.name if aws is not None and aws.glue_job is not None else None


@dataclass(frozen=True)
class _StepContext:
    settings: ProjectSettings
    refs: list  # the loader's ResolvedRef of this step
    targets: dict[tuple[str, str], str]  # (layer, table) → identifier, every step of the project


def _plan_step(loaded: LoadedProject, context: _StepContext, step: LoadedStep, mapping: dict[str, Any],
               job_name: str) -> StepPlan:  # fmt: skip
    settings, refs = context.settings, context.refs
    where = step_where(step)
    contract = step.bundle.contract
    diagnostics: list[Diagnostic] = plan_contract(contract, mapping, where)
    for ref in refs:
        if ref.via == "layer_convention":
            file, line, _ = step.bundle.locate(ref.use.field)
            diagnostics.append(diagnostic(
                "AWS_TABLE_REF_RESOLVED_BY_CONVENTION",
                f"no step of this project writes {ref.use.layer}.{ref.use.table}; reading {ref.identifier}",
                file=file, line=line, field=ref.use.field,
            ))  # fmt: skip
    kind = read_kind(mapping)
    contract_aws = (mapping.get("extensions") or {}).get("aws") or {}
    contract_warehouse = (contract_aws.get("iceberg") or {}).get("warehouse")
    warehouse = _dir_uri(contract_warehouse or settings.warehouse)
    bookmarks = bookmarks_enabled(kind.family, False, settings.env_aws, contract_aws)
    if kind.family == "incremental_files" and not bookmarks:
        file, line, _ = step.bundle.locate("source.type")
        diagnostics.append(
            diagnostic("AWS_INCREMENTAL_FILES_BOOKMARKS_DISABLED", file=file, line=line, field="source.type")
        )
    glue = glue_settings(
        job_name,
        settings.env_aws,
        contract_aws,
        bookmarks=bookmarks,
        tags=dict(settings.tags),
        default_class=default_execution_class(mapping.get("operations"), kind.family),
    )
    if kind.family == "jdbc" and not (glue.extra_jars or glue.connections):
        file, line, _ = step.bundle.locate("source.type")
        diagnostics.append(diagnostic("AWS_JDBC_DRIVER_REQUIRED", file=file, line=line, field="source.type"))
    access = mapping.get("access") or {}
    if access and (access.get("access_policy") or {}).get("mode") != "ignore":
        if not lake_formation_enabled(settings.env_aws):
            file, line, _ = step.bundle.locate("access")
            diagnostics.append(diagnostic("AWS_ACCESS_NOT_ENFORCED", file=file, line=line, field="access"))
    ordered = sort_diagnostics(diagnostics)
    status = status_of(ordered)
    target = _target(contract)
    run_plan = None
    if status in RUNNABLE_STATUSES:
        substitution = RefSubstitution(
            {(r.use.field, r.use.text): r.identifier for r in refs}, context.targets
        )
        inputs = StepInputs(
            project=loaded.name, environment_key=loaded.env_key, step=step.name, depends_on=step.depends_on,
            expected_result=step.expected_result, contract_path=step.contract_path, model=contract, contract=mapping,
            target=target, warehouse=warehouse, evidence_database=settings.evidence_database, glue=glue,
            kind=kind, env_iceberg=settings.env_iceberg,
            metric_namespace=(settings.env_aws.get("alerts") or {}).get("metric_namespace") or "ContractForge",
            lake_formation=(settings.env_aws.get("lake_formation") or {"enabled": True})
            if lake_formation_enabled(settings.env_aws) else None,
            env_write=settings.env_aws.get("write") or {},
            evidence_table_prefix=(settings.environment.get("evidence") or {}).get("table_prefix"),
            malformed_records=(settings.env_aws.get("read") or {}).get("malformed_records"),
        )  # fmt: skip
        run_plan = build_run_plan(inputs, substitution.ref, substitution.query)
    return StepPlan(
        name=step.name,
        layer=target.layer,
        depends_on=step.depends_on,
        expected_result=step.expected_result,
        status=status,
        diagnostics=ordered,
        contract_path=step.contract_path,
        target_identifier=target.identifier,
        target_database=target.database,
        glue=glue,
        run_plan=run_plan,
        decisions=tuple(step.bundle.decisions),
        mode=contract.mode,
        normalized_contract=mapping,
    )


def _note_blocked_dependencies(
    loaded: LoadedProject, step: StepPlan, planned: dict[str, StepPlan]
) -> StepPlan:
    """Info diagnostics for dependencies that will not run (whatever their declaration order)."""
    blocked = [dep for dep in step.depends_on if dep in planned and not planned[dep].runnable]
    if not blocked:
        return step
    notes = [
        _project_diagnostic(
            loaded,
            loaded.step(step.name),
            "PROJECT_DEPENDENCY_NOT_RUNNABLE",
            f"depends on '{dep}', which is not runnable",
        )  # fmt: skip
        for dep in blocked
    ]
    return replace(step, diagnostics=sort_diagnostics([*step.diagnostics, *notes]))


def _project_diagnostic(loaded: LoadedProject, step: LoadedStep, code: str, message: str) -> Diagnostic:
    """A diagnostic located on the step's ``depends_on`` in project.yaml."""
    index = next(i for i, s in enumerate(loaded.steps) if s.name == step.name)
    path = ("execution_order", index, "depends_on")
    file, line, _, _ = loaded.locator.locate(path) if loaded.locator else (None, None, None, None)
    return diagnostic(code, message, file=file, line=line, field=f"execution_order[{index}].depends_on")


def lake_formation_enabled(env_aws: dict[str, Any]) -> bool:
    """``parameters.aws.lake_formation``: ``true`` or a mapping without ``enabled: false``."""
    setting = env_aws.get("lake_formation")
    if isinstance(setting, dict):
        return setting.get("enabled", True) is not False
    return bool(setting)


def _dir_uri(uri: str) -> str:
    return uri if uri.endswith("/") else uri + "/"
