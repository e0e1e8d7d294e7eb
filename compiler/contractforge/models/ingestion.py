"""The ingestion contract (docs/contract-language.md#the-ingestion-contract): the root model of
``<stem>.ingestion.yaml``.

``mode`` is stored as its canonical name (``hash_diff_upsert`` → ``scd1_hash_diff``), see
``write_modes``. List-or-string fields are tuples (see ``models.base``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema, field_validator

from contractforge.models.aws_extension import Extensions
from contractforge.models.base import NameList, OptStr, StrictModel
from contractforge.models.governance import Access, Annotations, Operations
from contractforge.models.quality import QualityRules
from contractforge.models.source import Source
from contractforge.models.transform import Shape, Transform
from contractforge.models.write_modes import APPEND, CANONICAL_MODES, PUBLIC_MODES, validate_mode

LAYER_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
CONTROL_COLUMNS = (
    "ingestion_ts_utc",
    "__run_id",
    "row_hash",
    "valid_from",
    "valid_to",
    "is_current",
    "is_active",
    "deleted_at",
    "changed_columns",
)

# Legacy top-level keys of older contract versions → where the value lives now
# (docs/contract-language.md#two-validation-depths).
LEGACY_KEY_HINTS = {
    "target_table": "legacy key; use `target.table`",
    "target_schema": "legacy key; use `target.schema`",
    "catalog": "legacy key; use `target.catalog`",
    "ctrl_schema": "legacy key; the evidence database is `evidence.database` in the environment file",
    "source_system": "legacy key; use `source.system`",
    "dedup_order_expr": "legacy key; use `transform.deduplicate.order_by`",
    "delta_properties": "legacy key; use `extensions.aws.iceberg.table_properties`",
    "cluster_columns": "legacy key; not supported (use `extensions.aws.iceberg.partition_by`)",
    "partition_columns": "legacy key; use `extensions.aws.iceberg.partition_by`",
    "rename": "renames are `column_mapping`",
    "filter": "the field is `filter_expression`",
}

WriteMode = Annotated[
    str,
    BeforeValidator(validate_mode),
    WithJsonSchema(
        {
            "type": "string",
            "description": "write mode",
            "anyOf": [{"enum": [*PUBLIC_MODES, *CANONICAL_MODES]}, {"pattern": "^custom:.+$"}],
        }
    ),
]


class Target(StrictModel):
    catalog: OptStr = None
    catalog_type: OptStr = None
    schema_name: OptStr = Field(None, alias="schema")
    table: str = Field(min_length=1)

    @property
    def namespace(self) -> str:
        return ".".join(p for p in (self.catalog, self.schema_name) if p)


class ExecutionWindowItem(StrictModel):
    start: str
    end: str
    label: OptStr = None


class ExecutionWindow(StrictModel):
    column: OptStr = None
    windows: tuple[ExecutionWindowItem, ...] | None = None
    start: OptStr = None
    end: OptStr = None
    every: OptStr = None
    stop_on_failure: bool = True


class Catchup(StrictModel):
    enabled: bool = False
    column: OptStr = None
    start: OptStr = None
    end: OptStr = None
    every: OptStr = None
    stop_on_failure: bool = True


class Execution(StrictModel):
    freshness: Literal["batch", "near_real_time", "real_time"] | None = None
    latency_target: OptStr = None
    preferred: Literal["available_now", "continuous", "event_driven", "scheduled"] | None = None
    fallback: Literal["batch_incremental", "fail", "review_required", "scheduled"] | None = None
    window: ExecutionWindow | None = None
    catchup: Catchup | None = None
    # how long a run waits for the target's lock before it is refused (0: refused at once)
    lock_wait_seconds: int | None = Field(None, ge=0)


class Naming(StrictModel):
    policy: Literal["caf_default", "custom"] | None = None
    display_name: OptStr = None
    logical_name: OptStr = None
    slug: OptStr = None
    contract_basename: OptStr = None
    bundle_name: OptStr = None
    job_name: OptStr = None
    task_key: OptStr = None
    artifact_prefix: OptStr = None
    preserve_target_identifiers: bool = True


def _mapping_targets(value: dict[str, str] | None) -> dict[str, str] | None:
    reserved = sorted(set((value or {}).values()) & set(CONTROL_COLUMNS))
    if reserved:
        raise ValueError(f"column_mapping may not target reserved control columns: {', '.join(reserved)}")
    return value


class IngestionContract(StrictModel):
    key_hints = LEGACY_KEY_HINTS

    source: Source
    target: Target
    layer: Annotated[str, Field(pattern=LAYER_PATTERN)] = "bronze"
    mode: WriteMode = APPEND
    schema_policy: Literal["permissive", "additive_only", "strict"] = "permissive"
    on_quality_fail: Literal["fail", "warn", "quarantine"] = "fail"
    merge_keys: NameList | None = None
    hash_strategy: Literal["explicit", "all_columns_except"] = "explicit"
    hash_keys: NameList | None = None
    hash_exclude_columns: NameList | None = None
    scd2_change_columns: NameList | None = None
    scd2_effective_from_column: OptStr = None
    scd2_sequence_by: OptStr = None
    scd2_late_arriving_policy: Literal["apply", "ignore", "reject"] = "apply"
    scd2_apply_as_deletes: OptStr = None
    quality_rules: QualityRules | None = None
    select_columns: NameList | None = None
    column_mapping: Annotated[dict[str, str] | None, AfterValidator(_mapping_targets)] = None
    filter_expression: OptStr = None
    watermark_columns: NameList | None = None
    shape: Shape | None = None
    transform: Transform | None = None
    schemas: dict[str, str] | None = None
    annotations: Annotations | None = None
    operations: Operations | None = None
    access: Access | None = None
    execution: Execution | None = None
    extensions: Extensions = Field(default_factory=Extensions)
    owner: OptStr = None
    domain: OptStr = None
    description: OptStr = None
    tags: NameList | None = None
    sla: OptStr = None
    runtime_parameters: dict[str, Any] | None = None
    naming: Naming | None = None
    idempotency_key: OptStr = None
    idempotency_policy: Literal["always_run", "skip_if_success", "fail_if_success", "rerun_if_failed"] = (
        "always_run"
    )
    retry_attempts: int | None = Field(None, ge=1)
    retry_backoff_seconds: int | None = Field(None, ge=0)
    applied_presets: NameList | None = None
    parent_run_id: OptStr = None
    run_group_id: OptStr = None
    master_job_id: OptStr = None
    master_run_id: OptStr = None
    dry_run: bool = False
    # false: never skip as no_upstream_change (e.g. a query that reads the clock); docs/cost.md
    skip_unchanged_inputs: bool | None = None  # None: true

    @field_validator("sla", mode="before")
    @classmethod
    def _sla_text(cls, value: Any) -> Any:
        # `sla: 60` is common; keep it as text like the original
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    @property
    def effective_shape(self) -> Shape | None:
        """``shape`` or ``transform.shape`` (both spellings are accepted)."""
        return self.shape or (self.transform.shape if self.transform else None)
