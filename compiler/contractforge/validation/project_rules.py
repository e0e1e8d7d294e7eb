"""Project-level checks beyond the DAG: a project needs steps, names AWS can hold as written,
and a step's layer in project.yaml must agree with its contract's (both values, both files)."""

from __future__ import annotations

from typing import Any

from contractforge.errors import Problem
from contractforge.loader.bundle import display_path
from contractforge.loader.project import LoadedProject
from contractforge.validation.aws_limits import (
    STATE_MACHINE_NAME,
    STATE_MACHINE_NAME_MAX,
    check_named,
    check_orchestration,
    check_project_name,
    check_region,
    check_role_arn,
    check_step_name,
)
from contractforge.validation.locate import Problems, Where


def check_project(loaded: LoadedProject, where: Where) -> list[Problem]:
    problems = Problems(where)
    project = loaded.project
    if not project.execution_order:
        problems.add(("execution_order",) if "execution_order" in _keys(loaded) else ("name",),
                     "the project has no steps: list at least one under execution_order", code="PROJECT_NO_STEPS")  # fmt: skip
    check_project_name(problems, ("name",), project.name)
    for index, step in enumerate(project.execution_order):
        check_step_name(problems, ("execution_order", index, "name"), step.name)
    deployment = project.deployment.aws if project.deployment else None
    if deployment is not None:
        check_role_arn(problems, ("deployment", "aws", "role_arn"), deployment.role_arn)
        check_named(problems, ("deployment", "aws", "state_machine_name"), deployment.state_machine_name,
                    "state machine name", STATE_MACHINE_NAME, STATE_MACHINE_NAME_MAX, "letters, digits, '_' and '-'")  # fmt: skip
    problems.extend(_layer_mismatches(loaded, where))
    return problems.items


def check_environment_aws(problems: Problems, env_aws: dict[str, Any]) -> None:
    base = ("parameters", "aws")
    check_region(problems, (*base, "region"), env_aws.get("region"))
    check_orchestration(problems, env_aws, base)


def _keys(loaded: LoadedProject) -> set[str]:
    return set(loaded.project.model_fields_set)


def _layer_mismatches(loaded: LoadedProject, where: Where) -> list[Problem]:
    found = []
    project_file = display_path(loaded.path)
    by_name = {s.name: s for s in loaded.loaded_steps}
    for index, step in enumerate(loaded.project.execution_order):
        declared = (step.layer or "").strip()
        loaded_step = by_name.get(step.name)
        if not declared or loaded_step is None:
            continue
        contract_layer = loaded_step.bundle.contract.layer
        if contract_layer and str(contract_layer).strip().lower() != declared.lower():
            file, line, _ = loaded_step.bundle.locate(("layer",))
            place = f"{file}:{line}" if line else (file or display_path(loaded_step.bundle.path))
            says = (f"says layer '{contract_layer}'" if "layer" in loaded_step.bundle.contract.model_fields_set
                    else f"declares no layer (so '{contract_layer}', the default)")  # fmt: skip
            location = where(("execution_order", index, "layer"))
            found.append(Problem(
                f"step '{step.name}' has layer '{declared}' in {project_file} but its contract {place} {says}; "
                "make them agree", field=f"execution_order[{index}].layer",
                code="STEP_LAYER_MISMATCH", **location,
            ))  # fmt: skip
    return found
