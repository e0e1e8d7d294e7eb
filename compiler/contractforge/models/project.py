"""``project.yaml`` (docs/contract-language.md#project-file). The original had no model; we type every
documented key and keep undocumented top-level keys (``source_system`` maps, ``stable_surface``, ...) as
descriptive extras — the loader warns when such a key looks like a typo of a known one.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BeforeValidator, ConfigDict, Field, field_validator

from contractforge.models.base import NameList, OpenModel, OptStr, StrictModel, value_or_layer_map
from contractforge.models.write_modes import validate_mode

SchemaPolicy = Literal["permissive", "additive_only", "strict"]
OnQualityFail = Literal["fail", "warn", "quarantine"]
ModeName = Annotated[str, BeforeValidator(validate_mode)]


class DefaultsBlock(StrictModel):
    """Accepted keys of ``defaults`` and of ``defaults.adapters.<adapter>``
    (docs/contract-language.md#defaults-resolver)."""

    catalog: OptStr = None
    catalog_type: OptStr = None
    schema_name: OptStr = Field(None, alias="schema")
    schemas: dict[str, str] | None = None
    tmp_schema: OptStr = None
    layer: OptStr = None
    # a value or a layer map {bronze: x, default: y}; checked here so errors point at project.yaml
    mode: value_or_layer_map(ModeName) | None = None
    schema_policy: value_or_layer_map(SchemaPolicy) | None = None
    on_quality_fail: value_or_layer_map(OnQualityFail) | None = None
    operations: dict[str, Any] | None = None
    annotations: dict[str, Any] | None = None


class ProjectDefaults(DefaultsBlock):
    adapters: dict[str, DefaultsBlock] | None = None


def _expected_result(value: Any) -> Any:
    # the original writes `succeeded`; run plans say `success`
    if isinstance(value, str) and value.strip().lower() in ("succeeded", "success", "succeed"):
        return "success"
    return value


class Step(StrictModel):
    name: str = Field(min_length=1)
    layer: OptStr = None
    description: OptStr = None
    depends_on: NameList = ()
    contracts: dict[str, str] = Field(default_factory=dict)
    expected_result: Annotated[Literal["success", "failed"], BeforeValidator(_expected_result)] = "success"


class DeploymentAws(OpenModel):
    state_machine_name: OptStr = None
    state_machine_arn: OptStr = None
    role_arn: OptStr = None
    type: OptStr = None


class Deployment(OpenModel):
    aws: DeploymentAws | None = None


class ScheduleAws(OpenModel):
    state: Literal["ENABLED", "DISABLED"] | None = None
    pause_status: OptStr = None
    paused: bool | None = None
    expression: OptStr = None
    flexible_time_window: Union[str, dict[str, Any]] | None = None  # noqa: UP007
    maximum_window_in_minutes: int | None = Field(None, gt=0)
    cron: OptStr = None
    timezone: OptStr = None
    enabled: bool | None = None


class ScheduleAdapters(OpenModel):
    aws: ScheduleAws | None = None


class Schedule(StrictModel):
    cron: OptStr = None
    timezone: str = "UTC"
    enabled: bool = True
    max_concurrent_runs: int | None = Field(None, gt=0)
    queue: Union[bool, str] | None = None  # noqa: UP007
    tags: dict[str, Any] | None = None
    adapters: ScheduleAdapters | None = None


class CleanupResource(OpenModel):
    resource: OptStr = None
    name: OptStr = None
    purpose: OptStr = None
    command: NameList | None = None


class Cleanup(OpenModel):
    external_resources: tuple[CleanupResource, ...] | None = None


class Portability(OpenModel):
    invariant_contract_intent: NameList | None = None
    platform_bindings: dict[str, Any] | None = None


class Project(StrictModel):
    # descriptive extra keys are allowed (the original read project.yaml as a loose mapping)
    model_config = ConfigDict(extra="allow")

    name: str = Field(min_length=1)
    description: OptStr = None
    source_system: Union[str, dict[str, Any]] | None = None  # noqa: UP007
    environments: dict[str, str] = Field(default_factory=dict)
    connections: dict[str, str] | None = None
    defaults: ProjectDefaults | None = None
    deployment: Deployment | None = None
    schedule: Schedule | None = None
    execution_order: tuple[Step, ...] = ()
    validation: dict[str, Any] | None = None
    portability: Portability | None = None
    cleanup: Cleanup | None = None

    @field_validator("name", mode="before")
    @classmethod
    def _name_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
