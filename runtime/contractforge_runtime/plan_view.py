"""A typed, read-only view of a run plan (``schemas/run-plan.v1.schema.json``, docs/run-plan.md).

``PlanView.of(plan)`` reads the plan dict once into frozen dataclasses: one class per object of
the schema, one field per property (tests/runtime/test_plan_view.py checks that the two agree).
The view mirrors the plan and decides nothing: a property the plan leaves out is None (an absent
list is an empty tuple, an absent free-form mapping an empty dict), and the stage that reads it
applies its own default, as before. Free-form mappings (options, table properties, metadata
sections) stay the plan's own dicts. The source and the whole plan keep their dicts too
(``SourceView.raw``, ``PlanView.raw``): readers read their own family's keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any


def _read(cls, data: Mapping[str, Any] | None):
    """``cls`` from ``data``, field by field from the key of the same name: a nested view is read
    the same way (an optional one stays None when absent), an absent list is ``()`` and an absent
    mapping ``{}``; any other absent key takes the field's default; ``raw`` is ``data`` itself."""
    data = data or {}
    values: dict[str, Any] = {}
    for f in fields(cls):
        annotation = str(f.type)
        nested = _VIEWS.get(annotation.removesuffix(" | None"))
        if f.name == "raw":
            values["raw"] = data
        elif nested is not None:
            given = data.get(f.name)
            values[f.name] = None if given is None and annotation.endswith("| None") else _read(nested, given)
        elif f.name not in data:
            continue
        elif f.default == ():
            values[f.name] = tuple(data[f.name] or ())
        elif f.default_factory is dict:
            values[f.name] = data[f.name] or {}
        else:
            values[f.name] = data[f.name]
    return cls(**values)


@dataclass(frozen=True)
class ProjectView:
    name: str | None = None
    environment: str | None = None


@dataclass(frozen=True)
class StepView:
    name: str | None = None
    depends_on: tuple[str, ...] = ()
    expected_result: str | None = None


@dataclass(frozen=True)
class ContractView:
    path: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class TargetView:
    identifier: str
    catalog: str | None = None
    schema: str | None = None
    table: str | None = None
    database: str | None = None
    layer: str | None = None
    warehouse: str | None = None
    location: str | None = None
    partition_by: tuple[str, ...] = ()
    table_properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WriteView:
    mode: str | None = None
    merge_keys: tuple[str, ...] = ()
    hash_strategy: str | None = None
    hash_keys: tuple[str, ...] = ()
    hash_exclude_columns: tuple[str, ...] = ()
    schema_policy: str | None = None
    compare_columns: tuple[str, ...] = ()
    sequence_by: tuple[str, ...] = ()
    max_delete_ratio: float | None = None
    scd2_change_columns: tuple[str, ...] = ()
    scd2_effective_from_column: str | None = None
    scd2_sequence_by: str | None = None
    scd2_late_arriving_policy: str | None = None
    scd2_apply_as_deletes: str | None = None


@dataclass(frozen=True)
class SourceView:
    """The source's shared keys; ``raw`` is the whole source mapping (readers and evidence use it)."""

    raw: dict
    type: str | None = None
    family: str | None = None
    system: str | None = None
    name: str | None = None
    format: str | None = None
    path: str | None = None
    options: dict | None = None
    read: dict | None = None
    bookmarks: bool | None = None
    table: str | None = None
    query: str | None = None
    inputs: tuple[str, ...] = ()
    url: str | None = None
    driver: str | None = None
    incremental: dict | None = None
    request: dict | None = None
    auth: dict | None = None
    pagination: dict | None = None
    response: dict | None = None
    limits: dict | None = None
    checkpoint_location: str | None = None
    malformed_records: str | None = None


@dataclass(frozen=True)
class PreparationView:
    select_columns: tuple[str, ...] = ()
    column_mapping: dict[str, str] = field(default_factory=dict)
    shape: dict = field(default_factory=dict)
    cast: dict[str, str] = field(default_factory=dict)
    standardize: dict[str, dict] = field(default_factory=dict)
    derive: dict[str, str] = field(default_factory=dict)
    filter_expression: str | None = None
    composite_keys: dict[str, list[str]] = field(default_factory=dict)
    deduplicate: dict | None = None

    @classmethod
    def of(cls, preparation: Mapping[str, Any] | None) -> PreparationView:
        return _read(cls, preparation)


@dataclass(frozen=True)
class QualityView:
    on_quality_fail: str | None = None
    rules: tuple[dict, ...] = ()  # the rule dicts (schema $defs/rule), as quality.evaluate takes them


@dataclass(frozen=True)
class EvidenceView:
    database: str
    location: str | None = None
    table_prefix: str | None = None  # evidence tables are <prefix><suffix> (None: ctrl_ingestion_*)


@dataclass(frozen=True)
class StaticIdsView:
    parent_run_id: str | None = None
    run_group_id: str | None = None
    master_job_id: str | None = None
    master_run_id: str | None = None


@dataclass(frozen=True)
class RunSettingsView:
    idempotency_policy: str | None = None
    idempotency_key: str | None = None
    lock_ttl_minutes: int | None = None
    lock_table: str | None = None
    lock_wait_seconds: int | None = None
    dry_run: bool | None = None
    static_ids: StaticIdsView | None = None
    skip_unchanged_inputs: bool | None = None  # False: never skip as no_upstream_change (run/upstream.py)


@dataclass(frozen=True)
class MetadataView:
    description: str | None = None
    owner: str | None = None
    domain: str | None = None
    tags: tuple[str, ...] = ()
    sla: str | None = None
    freshness_sla_minutes: int | None = None
    runtime_parameters: dict = field(default_factory=dict)
    annotations: dict = field(default_factory=dict)
    operations: dict = field(default_factory=dict)
    access: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PlanView:
    raw: dict  # the plan as loaded (what readers, evidence JSON columns and callers still take)
    target: TargetView
    write: WriteView
    source: SourceView
    evidence: EvidenceView | None
    kind: str | None = None
    plan_version: int | None = None
    framework_version: str | None = None
    project: ProjectView = ProjectView()
    step: StepView = StepView()
    contract: ContractView = ContractView()
    preparation: PreparationView = PreparationView()
    quality: QualityView = QualityView()
    run: RunSettingsView = RunSettingsView()
    metadata: MetadataView = MetadataView()
    secrets: tuple[str, ...] = ()
    metrics: dict = field(default_factory=dict)  # governance.metrics reads the dict
    lake_formation: dict = field(default_factory=dict)  # governance.lake_formation reads the dict

    @classmethod
    def of(cls, plan: dict) -> PlanView:
        return _read(cls, plan)


_VIEWS = {
    view.__name__: view
    for view in (
        ProjectView,
        StepView,
        ContractView,
        TargetView,
        WriteView,
        SourceView,
        PreparationView,
        QualityView,
        EvidenceView,
        StaticIdsView,
        RunSettingsView,
        MetadataView,
    )
}
