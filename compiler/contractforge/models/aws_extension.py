"""``extensions.aws`` and ``environment.parameters.aws`` (docs/contract-language.md#aws-extensions).

Typed loosely on purpose: known keys are checked for shape, unknown keys are *kept* (the
planner reports them as ``AWS_UNKNOWN_EXTENSION`` / ``AWS_UNKNOWN_EXTENSION_FIELD`` warnings,
as the original does, instead of failing the load). Read unknown keys via ``model_extra``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from contractforge.models.base import NameList, OpenModel, OptStr, StrictModel

KNOWN_AWS_EXTENSION_KEYS = (
    "glue_job",
    "iceberg",
    "job_bookmarks",
    "dependencies",
    "lake_formation",
    "dqdl",
    "native_passthrough",
    "write",
    "read",
)


def _number_to_text(value: Any) -> Any:
    # `glue_version: 5.0` arrives as a float from YAML
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


VersionStr = Annotated[str | None, BeforeValidator(_number_to_text)]


class GlueJobExtension(OpenModel):
    name: OptStr = None
    role_arn: OptStr = None
    script_s3_uri: OptStr = None
    glue_version: VersionStr = None
    worker_type: OptStr = None
    number_of_workers: int | None = Field(None, gt=0)
    timeout_minutes: int | None = Field(None, gt=0)
    max_retries: int | None = Field(None, ge=0)
    default_arguments: dict[str, Any] | None = None
    description: OptStr = None
    enable_job_bookmark: bool | None = None
    spark_conf: dict[str, Any] | str | None = None
    # honoured by the original although not allowlisted there
    connection_names: NameList | None = None
    connections: NameList | None = None
    runtime_mode: OptStr = None
    execution_class: Literal["STANDARD", "FLEX"] | None = None
    auto_scaling: bool | None = None  # Glue auto scaling; number_of_workers is then the ceiling
    max_concurrent_runs: int | None = Field(None, gt=0)
    security_configuration: OptStr = None
    tags: dict[str, Any] | None = None


class IcebergExtension(OpenModel):
    warehouse: OptStr = None
    table_properties: dict[str, Any] | None = None
    partition_by: NameList | None = None


class JobBookmarksExtension(OpenModel):
    enabled: bool | None = None
    enable_job_bookmark: bool | None = None


class DependenciesExtension(OpenModel):
    python_modules: NameList | None = None
    additional_python_modules: NameList | None = None
    jars: NameList | None = None
    extra_jars: NameList | None = None
    py_files: NameList | None = None
    extra_py_files: NameList | None = None


class WriteExtension(OpenModel):
    """Write-mode settings beyond the contract language (docs/writes.md)."""

    max_delete_ratio: float | None = Field(None, gt=0, le=1)  # snapshot soft delete guard
    compare_columns: NameList | None = None  # upsert / snapshot: the columns compared for a change
    # upsert / hash diff: the columns ordering several versions of a key in one batch (a backlog)
    sequence_by: NameList | None = None


class ReadExtension(OpenModel):
    """How file readers treat records they cannot parse (docs/sources.md#malformed-records)."""

    malformed_records: Literal["quarantine", "fail"] | None = None


class AwsExtension(OpenModel):
    glue_job: GlueJobExtension | None = None
    iceberg: IcebergExtension | None = None
    job_bookmarks: JobBookmarksExtension | None = None
    dependencies: DependenciesExtension | None = None
    lake_formation: dict[str, Any] | None = None
    dqdl: dict[str, Any] | None = None
    native_passthrough: dict[str, Any] | None = None
    write: WriteExtension | None = None
    read: ReadExtension | None = None


class StepFunctionsParameters(OpenModel):
    role_arn: OptStr = None
    state_machine_name: OptStr = None
    state_machine_arn: OptStr = None
    type: OptStr = None


class SchedulerParameters(OpenModel):
    role_arn: OptStr = None


class LakeFormationParameters(StrictModel):
    """``parameters.aws.lake_formation``: ``true`` or a mapping (``enabled: false`` turns it off)."""

    enabled: bool = True
    catalog_id: OptStr = None  # Data Catalog (account) id of the tables; None = the deploying account


class AlertSubscription(StrictModel):
    protocol: Literal[
        "application", "email", "email-json", "firehose", "http", "https", "lambda", "sms", "sqs"
    ]
    endpoint: str


class AlertsParameters(StrictModel):
    """``parameters.aws.alerts``: where alerts of operations contracts go (docs/governance.md)."""

    topic_arn: OptStr = None  # an existing SNS topic instead of <project>-alerts
    subscriptions: tuple[AlertSubscription, ...] = ()
    metric_namespace: str = "ContractForge"


def _lake_formation_flag(value: Any) -> Any:
    return {"enabled": value} if isinstance(value, bool) else value


class PackingParameters(StrictModel):
    """``parameters.aws.packing``: which steps share one Glue job run (planner/packing.py)."""

    layout: Literal["none", "wave", "project", "groups"] | None = None
    groups: dict[str, NameList] | None = None
    max_parallel: int | None = Field(None, ge=1, le=32)


def _layout_shorthand(value: Any) -> Any:
    return {"layout": value} if isinstance(value, str) else value  # `packing: project`


class MaintenanceParameters(OpenModel):
    """Scheduled Athena OPTIMIZE / VACUUM of target and evidence tables (render/maintenance.py)."""

    schedule: Annotated[str, Field(pattern=r"^(cron|rate)\(.+\)$")]
    timezone: OptStr = None
    snapshot_retention_days: int | None = Field(None, ge=1)
    workgroup: OptStr = None


class AwsParameters(AwsExtension):
    """``environment.parameters.aws``: the extension keys plus orchestration, Lake Formation and alert
    settings."""

    region: OptStr = None
    packing: Annotated[PackingParameters | None, BeforeValidator(_layout_shorthand)] = None
    step_functions: StepFunctionsParameters | None = None
    scheduler: SchedulerParameters | None = None
    lake_formation: Annotated[LakeFormationParameters | None, BeforeValidator(_lake_formation_flag)] = None  # type: ignore[assignment]
    alerts: AlertsParameters | None = None
    maintenance: MaintenanceParameters | None = None


class Extensions(OpenModel):
    """``extensions``: opaque adapter-owned namespaces; only ``aws`` is typed."""

    aws: AwsExtension | None = None


__all__ = [
    "AwsExtension",
    "AwsParameters",
    "DependenciesExtension",
    "Extensions",
    "GlueJobExtension",
    "IcebergExtension",
    "JobBookmarksExtension",
    "KNOWN_AWS_EXTENSION_KEYS",
    "WriteExtension",
]
