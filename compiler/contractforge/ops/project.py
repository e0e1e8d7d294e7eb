"""What ops reads from a ProjectPlan: the project itself, step selection, Athena and evidence settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contractforge.errors import ContractForgeError, Problem
from contractforge.project_plan import ProjectPlan, StepPlan


def select_steps(plan: ProjectPlan, names: str | list[str] | None) -> list[StepPlan]:
    """Steps named in ``--steps a,b`` (project order), or every step; unknown names are an error."""
    if not names:
        return list(plan.steps)
    wanted = [n.strip() for n in (names.split(",") if isinstance(names, str) else names) if n.strip()]
    known = {step.name for step in plan.steps}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise ContractForgeError(
            [
                Problem(
                    message=f"unknown step {name!r}", field="--steps", suggestion=", ".join(sorted(known))
                )
                for name in unknown
            ]
        )
    return [step for step in plan.steps if step.name in wanted]


def require_runnable(steps: list[StepPlan]) -> None:
    blocked = [step for step in steps if not step.runnable]
    if blocked:
        raise ContractForgeError(
            [
                Problem(
                    message=f"step {step.name!r} is not runnable (status {step.status})",
                    file=step.contract_path,
                    suggestion="run `contractforge plan` to see its blockers",
                )
                for step in blocked
            ],
            exit_code=1,
        )


def target_tables(plan: ProjectPlan) -> list[str]:
    return sorted({step.target_identifier for step in plan.steps})


def freshness_sla_minutes(step: StepPlan) -> int | None:
    metadata = (step.run_plan or {}).get("metadata") or {}
    value = metadata.get("freshness_sla_minutes")
    if value is None:
        value = (metadata.get("operations") or {}).get("freshness_sla_minutes")
    return int(value) if value not in (None, "") else None


def evidence_location(plan: ProjectPlan) -> str:
    """s3://…/<evidence db>.db/ — from the run plans when they carry it, else under the warehouse."""
    for step in plan.steps:
        location = ((step.run_plan or {}).get("evidence") or {}).get("location")
        if location:
            return location if location.endswith("/") else location + "/"
    warehouse = plan.warehouse if plan.warehouse.endswith("/") else plan.warehouse + "/"
    return f"{warehouse}{plan.evidence_database}.db/"


@dataclass(frozen=True)
class AthenaSettings:
    output_location: str | None
    workgroup: str | None
    database: str
    table_prefix: str | None = None  # evidence.table_prefix


def athena_settings(
    plan: ProjectPlan,
    output_location: str | None = None,
    workgroup: str | None = None,
    database: str | None = None,
) -> AthenaSettings:
    """Flags win; then ``parameters.aws.athena.{output_location,workgroup}`` of the environment; the
    output location defaults to ``<artifacts_uri>athena-results/``."""
    athena = _dig(plan.environment, "parameters", "aws", "athena") or _dig(plan.environment, "athena") or {}
    location = output_location or athena.get("output_location")
    if not location and plan.artifacts_uri:
        location = plan.artifacts_uri.rstrip("/") + "/athena-results/"
    return AthenaSettings(
        output_location=location,
        workgroup=workgroup or athena.get("workgroup"),
        database=database or plan.evidence_database,
        table_prefix=plan.evidence_table_prefix,
    )


def _dig(mapping: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(key)
    return mapping
