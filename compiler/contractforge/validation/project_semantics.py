"""Second validation depth for a whole loaded project: environment, schedule, every contract,
table refs. ``validate_project`` returns every located problem (empty when valid); both
``plan`` and ``validate`` use it so the two commands refuse exactly the same inputs."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from contractforge.errors import Problem
from contractforge.loader.bundle import display_path, load_environment_file
from contractforge.loader.project import LoadedProject, LoadedStep
from contractforge.validation.locate import Problems
from contractforge.validation.packing_rules import (
    check_pack_versions,
    check_packing,
    glue_version,
    merged_setting,
)
from contractforge.validation.placeholders import check_placeholders
from contractforge.validation.project_checks import check_schedule
from contractforge.validation.project_rules import check_environment_aws, check_project
from contractforge.validation.semantic import check_aws_parameters, validate_contract


def contract_mapping(step: LoadedStep) -> dict[str, Any]:
    """The validated contract in YAML spelling with canonical values (mode, lists, lower-case types)."""
    return step.bundle.contract.model_dump(mode="json", by_alias=True, exclude_none=True)


def step_where(step: LoadedStep):
    def where(path: tuple) -> dict[str, Any]:
        file, line, column = step.bundle.locate(tuple(path))
        return {"file": file, "line": line, "column": column}

    return where


def locator_where(locator):
    def where(path: tuple) -> dict[str, Any]:
        if locator is None:
            return {}
        file, line, column, _ = locator.locate(tuple(path))
        return {"file": file, "line": line, "column": column}

    return where


def validate_project(loaded: LoadedProject) -> list[Problem]:
    problems = _environment_problems(loaded)
    project_problems = Problems(locator_where(loaded.locator))
    if loaded.project.schedule is not None:
        check_schedule(project_problems, loaded.project.schedule.model_dump(mode="json", exclude_none=True))
    problems.extend(project_problems.items)
    problems.extend(check_project(loaded, locator_where(loaded.locator)))
    for step in loaded.loaded_steps:
        problems.extend(validate_contract(contract_mapping(step), step_where(step)))
    problems.extend(_unknown_layer_refs(loaded))
    return list(dict.fromkeys(problems))


def _environment_problems(loaded: LoadedProject) -> list[Problem]:
    environment = loaded.environment
    if environment is None:
        found = Problems(locator_where(loaded.locator))
        found.add(("environments",), f"no environment file for '{loaded.env_key}': ContractForge for AWS needs one "
                  "with artifacts.uri and parameters.aws.iceberg.warehouse", code="ENVIRONMENT_MISSING")  # fmt: skip
        return found.items
    env_aws = environment.aws.model_dump(mode="json", by_alias=True, exclude_none=True) if environment else {}
    locator = load_environment_file(loaded.environment_path)[1] if loaded.environment_path else None
    found = Problems(locator_where(locator))
    if environment is not None and environment.adapter.strip().lower() != "aws":
        found.add(("adapter",), f"adapter must be 'aws' for ContractForge for AWS, got '{environment.adapter}'",
                  code="ENVIRONMENT_ADAPTER_INVALID")  # fmt: skip
    check_aws_parameters(found, env_aws, ("parameters", "aws"))
    check_environment_aws(found, env_aws)
    check_placeholders(found, env_aws, ("parameters", "aws"))
    planned = {step.name: step for step in loaded.loaded_steps}
    depends_on = {s.name: s.depends_on for s in loaded.project.execution_order if s.name in planned}
    known = len(found.items)
    check_packing(found, env_aws.get("packing"), depends_on)
    if env_aws.get("packing") and len(found.items) == known:  # versions as the planner resolves them
        versions = {name: glue_version(merged_setting(env_aws, _contract_aws(step), "glue_job"))
                    for name, step in planned.items()}  # fmt: skip
        check_pack_versions(found, env_aws.get("packing"), depends_on, versions)
    artifacts = environment.artifacts_uri if environment else None
    if not artifacts:
        found.add(("artifacts", "uri"), "the environment needs artifacts.uri (s3://bucket/prefix/)",
                  code="ARTIFACTS_URI_INVALID")  # fmt: skip
    elif not str(artifacts).startswith("s3://"):
        found.add(("artifacts", "uri"), f"artifacts.uri must be an s3:// URI, got '{artifacts}'",
                  code="ARTIFACTS_URI_INVALID")  # fmt: skip
    if not (env_aws.get("iceberg") or {}).get("warehouse") and not all(
        contract_warehouse(step) for step in loaded.loaded_steps
    ):
        found.add(("parameters", "aws", "iceberg", "warehouse"),
                  "no Iceberg warehouse: set parameters.aws.iceberg.warehouse (s3://bucket/prefix/)",
                  code="WAREHOUSE_MISSING")  # fmt: skip
    env_file = display_path(loaded.environment_path) if loaded.environment_path else "<environment>"
    return [p if p.file else replace(p, file=env_file) for p in found.items]


def _contract_aws(step: LoadedStep) -> dict[str, Any]:
    return (contract_mapping(step).get("extensions") or {}).get("aws") or {}


def contract_warehouse(step: LoadedStep) -> str | None:
    aws = step.bundle.contract.extensions.aws
    return aws.iceberg.warehouse if aws and aws.iceberg else None


def _unknown_layer_refs(loaded: LoadedProject) -> list[Problem]:
    layers = {entry.layer for entry in loaded.targets.values()}
    problems = []
    for ref in loaded.refs:
        if ref.via == "layer_convention" and ref.use.layer not in layers:
            file, line, column = loaded.step(ref.step).bundle.locate(ref.use.field)
            known = ", ".join(sorted(layers)) or "none"
            message = (f"table ref '{ref.use.layer}.{ref.use.table}' names layer '{ref.use.layer}', which no step "
                       f"of this project writes (layers: {known})")  # fmt: skip
            problems.append(
                Problem(message, file, line, column, ref.use.field, code="TABLE_REF_UNKNOWN_LAYER")
            )
    return problems
