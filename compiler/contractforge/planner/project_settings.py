"""Project-wide settings of a plan: region, artifacts, warehouse, evidence database, schedule,
state machine name and tags (the checks live in validation/project_semantics.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contractforge import naming
from contractforge.loader.bundle import display_path
from contractforge.loader.project import LoadedProject
from contractforge.planner.contract_rules import WRITE_SETTING_MODES
from contractforge.planner.diagnostics import diagnostic
from contractforge.project_plan import Diagnostic, ScheduleSettings
from contractforge.validation.environment_keys import located_unused_keys
from contractforge.validation.project_semantics import contract_warehouse

DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class ProjectSettings:
    region: str
    artifacts_uri: str
    warehouse: str
    evidence_database: str
    schedule: ScheduleSettings | None
    state_machine_name: str
    tags: tuple[tuple[str, str], ...]
    environment: dict[str, Any]
    env_aws: dict[str, Any]
    env_iceberg: dict[str, Any]
    diagnostics: tuple[Diagnostic, ...]


def project_settings(loaded: LoadedProject) -> ProjectSettings:
    """Settings of a project that ``validate_project`` found valid."""
    environment = (
        loaded.environment.model_dump(mode="json", by_alias=True, exclude_none=True)
        if loaded.environment
        else {}
    )
    env_aws = (environment.get("parameters") or {}).get("aws") or {}
    env_iceberg = env_aws.get("iceberg") or {}
    env_file = display_path(loaded.environment_path) if loaded.environment_path else None
    artifacts = loaded.environment.artifacts_uri if loaded.environment else None
    warehouse = env_iceberg.get("warehouse")
    contract_warehouses = [contract_warehouse(s) for s in loaded.loaded_steps]
    diagnostics: list[Diagnostic] = []
    region = env_aws.get("region")
    if not region:
        region = DEFAULT_REGION
        diagnostics.append(
            diagnostic("PROJECT_REGION_DEFAULTED", file=env_file, field="parameters.aws.region")
        )
    for key, reason, unknown, line in located_unused_keys(loaded.environment, loaded.environment_path):
        code = "AWS_UNKNOWN_ENVIRONMENT_KEY" if unknown else "AWS_ENVIRONMENT_KEY_NOT_USED"
        diagnostics.append(diagnostic(code, reason, file=env_file, line=line, field=key))
    if (env_aws.get("scheduler") or {}).get("role_arn") and not loaded.project.schedule:
        reason = "parameters.aws.scheduler.role_arn: the project has no schedule"
        diagnostics.append(diagnostic("AWS_ENVIRONMENT_KEY_NOT_USED", reason, file=env_file,
                                      field="parameters.aws.scheduler.role_arn"))  # fmt: skip
    modes = {step.bundle.contract.mode for step in loaded.loaded_steps}
    for key, reason in [*_write_settings_not_read(env_aws, modes), *_packing_settings_not_read(env_aws)]:
        diagnostics.append(
            diagnostic("AWS_ENVIRONMENT_KEY_NOT_USED", f"{key}: {reason}", file=env_file, field=key)
        )
    deployment = loaded.project.deployment.aws if loaded.project.deployment else None
    step_functions = env_aws.get("step_functions") or {}
    machine = naming.state_machine_name(
        loaded.name,
        (deployment.state_machine_name if deployment else None) or step_functions.get("state_machine_name"),
    )
    declared_evidence = loaded.environment.evidence_database if loaded.environment else None
    fallback_warehouse = warehouse or next((w for w in contract_warehouses if w), "s3://")
    return ProjectSettings(
        region=str(region),
        artifacts_uri=_dir_uri(str(artifacts or "s3://")),
        warehouse=_dir_uri(str(fallback_warehouse)),
        evidence_database=naming.evidence_database(
            naming.glue_database(None, declared_evidence) if declared_evidence else None,
            _first_target_database(loaded),
        ),
        schedule=_schedule(loaded),
        state_machine_name=machine,
        tags=(("contractforge:environment", loaded.env_key), ("contractforge:project", loaded.name)),
        environment=environment,
        env_aws=env_aws,
        env_iceberg=env_iceberg,
        diagnostics=tuple(diagnostics),
    )


def _write_settings_not_read(env_aws: dict[str, Any], modes: set[str]) -> list[tuple[str, str]]:
    """``parameters.aws.write`` keys no step's mode reads."""
    found = []
    for key, readers in WRITE_SETTING_MODES.items():
        if (env_aws.get("write") or {}).get(key) is not None and not modes & set(readers):
            found.append(
                (f"parameters.aws.write.{key}", f"no step of the project has mode {' or '.join(readers)}")
            )
    return found


def _packing_settings_not_read(env_aws: dict[str, Any]) -> list[tuple[str, str]]:
    """``parameters.aws.packing`` keys the chosen layout ignores."""
    packing = env_aws.get("packing") or {}
    layout = packing.get("layout") or ("groups" if packing.get("groups") else "none")
    found = []
    if packing.get("max_parallel") is not None and layout == "none":
        found.append(
            ("parameters.aws.packing.max_parallel", "layout none runs every step in a job of its own")
        )
    if packing.get("groups") and layout != "groups":
        found.append(
            ("parameters.aws.packing.groups", f"only layout groups reads groups (layout is {layout})")
        )
    return found


def _first_target_database(loaded: LoadedProject) -> str:
    """The ``<glue db>_ops`` fallback of docs/planning.md#names, applied once so every step shares one
    evidence database."""
    for step in loaded.loaded_steps:
        target = step.bundle.contract.target
        return naming.glue_database(target.catalog, target.schema_name)
    return naming.glue_database(None, loaded.name)


def _dir_uri(uri: str) -> str:
    return uri if uri.endswith("/") else uri + "/"


def _schedule(loaded: LoadedProject) -> ScheduleSettings | None:
    schedule = loaded.project.schedule
    if schedule is None:
        return None
    aws = schedule.adapters.aws if schedule.adapters and schedule.adapters.aws else None
    cron = (aws.cron or aws.expression if aws else None) or schedule.cron or ""
    timezone = (aws.timezone if aws else None) or schedule.timezone or "UTC"
    enabled = schedule.enabled
    if aws is not None:
        if aws.enabled is not None:
            enabled = aws.enabled
        if aws.state is not None:
            enabled = aws.state == "ENABLED"
        if aws.paused or str(aws.pause_status or "").upper() == "PAUSED":
            enabled = False
    window = None
    flexible = aws.flexible_time_window if aws else None
    if isinstance(flexible, dict):
        mode = str(flexible.get("mode") or flexible.get("Mode") or "OFF").upper()
        minutes = flexible.get("maximum_window_in_minutes") or flexible.get("MaximumWindowInMinutes")
        window = int(minutes or 15) if mode == "FLEXIBLE" else None
    elif isinstance(flexible, str) and flexible.upper() == "FLEXIBLE":
        window = int(aws.maximum_window_in_minutes or 15)
    return ScheduleSettings(
        cron=str(cron),
        timezone=str(timezone),
        enabled=bool(enabled),
        flexible_window_minutes=window,
        name=naming.schedule_name(loaded.name),
    )
