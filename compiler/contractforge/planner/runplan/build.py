"""Build the run plan dict (docs/run-plan.md, schemas/run-plan.v1.schema.json) of one step.

Pure: takes the resolved contract mapping and what the planner resolved (target, warehouse,
evidence database, Glue settings, table-ref resolver) and returns plain JSON-able data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from contractforge_runtime.environment.secrets import placeholders_in
from contractforge_runtime.evidence import metric_names

from contractforge import __version__, naming
from contractforge.json_text import compact_sorted_json
from contractforge.models import IngestionContract
from contractforge.models.base import split_list
from contractforge.planner.runplan.lake_formation import lake_formation_section
from contractforge.planner.runplan.source import build_source
from contractforge.planner.runplan.steps import build_preparation, build_quality
from contractforge.planner.table_refs import TargetInfo
from contractforge.project_plan import GlueJobSettings
from contractforge.source_families import FAMILIES, MALFORMED_CAPTURING, ReadKind
from contractforge.source_families.sections import option_text

PLAN_KIND = "contractforge.aws.run_plan"
PLAN_VERSION = 1
DEFAULT_TABLE_PROPERTIES = {"format-version": "2", "write.merge.mode": "merge-on-read"}


@dataclass(frozen=True)
class StepInputs:
    project: str
    environment_key: str
    step: str
    depends_on: tuple[str, ...]
    expected_result: str
    contract_path: str
    model: IngestionContract  # the validated contract
    contract: dict[str, Any]  # the same contract as a mapping (YAML spelling): hashed, carried as written
    target: TargetInfo
    warehouse: str
    evidence_database: str
    glue: GlueJobSettings
    kind: ReadKind
    env_iceberg: dict[str, Any]
    metric_namespace: str = "ContractForge"  # parameters.aws.alerts.metric_namespace
    lake_formation: dict[str, Any] | None = None  # parameters.aws.lake_formation when it is on
    env_write: dict[str, Any] | None = None  # parameters.aws.write: the base of extensions.aws.write
    evidence_table_prefix: str | None = None  # evidence.table_prefix (None: ctrl_ingestion_*)
    malformed_records: str | None = None  # parameters.aws.read.malformed_records (the project default)


def contract_sha256(contract: dict[str, Any]) -> str:
    text = compact_sorted_json(contract, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _names(value: Any) -> list[str]:
    return [str(v) for v in split_list(value) or ()]


def build_run_plan(inputs: StepInputs, resolve_ref: Callable[..., str],
                   substitute_sql: Callable[[str, tuple], tuple[str, list[str]]]) -> dict[str, Any]:  # fmt: skip
    contract = inputs.contract
    source = contract.get("source") if isinstance(contract.get("source"), dict) else {"type": "table",
                                                                                        "table": contract.get("source")}  # fmt: skip
    plan: dict[str, Any] = {
        "kind": PLAN_KIND,
        "plan_version": PLAN_VERSION,
        "framework_version": __version__,
        "project": {"name": inputs.project, "environment": inputs.environment_key},
        "step": {
            "name": inputs.step,
            "depends_on": list(inputs.depends_on),
            "expected_result": inputs.expected_result,
        },
        "contract": {"path": inputs.contract_path, "sha256": contract_sha256(contract)},
        "target": _target(inputs),
        "write": _write(inputs.model, inputs.env_write or {}),
        "source": build_source(source, inputs.kind, resolve_ref, substitute_sql, inputs.target.database),
        "preparation": build_preparation(contract),
        "quality": build_quality(inputs.model),
        "evidence": _evidence(inputs),
        "run": _run(inputs.model, inputs.glue, naming.lock_table_name(inputs.project)),
        "metadata": _metadata(contract),
    }
    plan["metrics"] = _metrics(inputs)
    if inputs.lake_formation is not None:
        metadata = plan["metadata"]
        plan["lake_formation"] = lake_formation_section(
            metadata["annotations"], metadata["access"], inputs.target.database, inputs.target.table,
            inputs.lake_formation.get("catalog_id"),
        )  # fmt: skip
    read = inputs.model.extensions.aws.read if inputs.model.extensions.aws is not None else None
    malformed = (read.malformed_records if read is not None else None) or inputs.malformed_records
    if malformed and inputs.kind.family in MALFORMED_CAPTURING:
        plan["source"]["malformed_records"] = malformed  # absent: quarantine (the runtime's default)
    family = FAMILIES.get(inputs.kind.family)
    if family is not None and family.glue_bookmarks:
        plan["source"]["bookmarks"] = inputs.glue.job_bookmarks
    # placeholders are only accepted in the source (validation refuses them in table properties)
    plan["secrets"] = sorted({f"{scope}/{key}" for scope, key in placeholders_in(plan["source"])})
    return plan


def _evidence(inputs: StepInputs) -> dict[str, Any]:
    evidence = {
        "database": inputs.evidence_database,
        "location": naming.namespace_location(inputs.warehouse, inputs.evidence_database),
    }
    if inputs.evidence_table_prefix:  # the runtime names every evidence table with it
        evidence["table_prefix"] = inputs.evidence_table_prefix
    return evidence


def _target(inputs: StepInputs) -> dict[str, Any]:
    contract_iceberg = ((inputs.contract.get("extensions") or {}).get("aws") or {}).get("iceberg") or {}
    properties = {**DEFAULT_TABLE_PROPERTIES}
    for block in (inputs.env_iceberg.get("table_properties"), contract_iceberg.get("table_properties")):
        properties.update({str(k): option_text(v) for k, v in (block or {}).items() if v is not None})
    target = inputs.target
    return {
        "catalog": target.catalog,
        "schema": target.schema,
        "table": target.table,
        "database": target.database,
        "identifier": target.identifier,
        "layer": target.layer,
        "warehouse": inputs.warehouse,
        "location": naming.namespace_location(inputs.warehouse, target.database),
        "partition_by": _names(
            contract_iceberg.get("partition_by") or inputs.env_iceberg.get("partition_by")
        ),
        "table_properties": dict(sorted(properties.items())),
    }


SCD2_WRITE_FIELDS = ("scd2_effective_from_column", "scd2_sequence_by", "scd2_apply_as_deletes")
DEFAULT_MAX_DELETE_RATIO = 0.5


def _write(contract: IngestionContract, env_write: dict[str, Any]) -> dict[str, Any]:
    """``extensions.aws.write`` keys win over the environment's ``parameters.aws.write``."""
    mode = contract.mode
    block = {
        "mode": contract.mode,
        "merge_keys": list(contract.merge_keys or ()),
        "hash_strategy": contract.hash_strategy,
        "hash_keys": list(contract.hash_keys or ()),
        "hash_exclude_columns": list(contract.hash_exclude_columns or ()),
        "schema_policy": contract.schema_policy,
    }
    aws = contract.extensions.aws
    extension = aws.write if aws is not None and aws.write is not None else None
    ratio = extension.max_delete_ratio if extension is not None else None
    ratio = env_write.get("max_delete_ratio") if ratio is None else ratio
    compare = (extension.compare_columns if extension is not None else None) or env_write.get(
        "compare_columns"
    )
    if mode == "scd2_historical":
        block["scd2_change_columns"] = list(contract.scd2_change_columns or ())
        block.update({name: getattr(contract, name) for name in SCD2_WRITE_FIELDS})
        block["scd2_late_arriving_policy"] = contract.scd2_late_arriving_policy
    if mode == "snapshot_soft_delete":
        block["max_delete_ratio"] = DEFAULT_MAX_DELETE_RATIO if ratio is None else float(ratio)
    if mode in ("scd1_upsert", "snapshot_soft_delete") and compare:
        block["compare_columns"] = _names(compare)
    sequence = (extension.sequence_by if extension is not None else None) or env_write.get("sequence_by")
    if mode in ("scd1_upsert", "scd1_hash_diff") and sequence:
        block["sequence_by"] = _names(sequence)
    return block


def _run(contract: IngestionContract, glue: GlueJobSettings, lock_table: str) -> dict[str, Any]:
    execution = contract.execution
    run = {
        "idempotency_policy": contract.idempotency_policy,
        "idempotency_key": contract.idempotency_key,
        # a lock can never need to outlive the job's own timeout
        "lock_ttl_minutes": glue.timeout_minutes,
        "lock_table": lock_table,
        "lock_wait_seconds": (execution.lock_wait_seconds if execution else None) or 0,
        "dry_run": contract.dry_run,
        "static_ids": {
            key: getattr(contract, key)
            for key in ("parent_run_id", "run_group_id", "master_job_id", "master_run_id")
        },
    }
    if contract.skip_unchanged_inputs is False:  # only the opt-out is written (default: skip)
        run["skip_unchanged_inputs"] = False
    return run


def _metrics(inputs: StepInputs) -> dict[str, Any]:
    """Per-target CloudWatch metrics the runner publishes after every run: every compiled root has the
    project dashboard (render/dashboard.py) that shows them, and the alarms (render/alerts.py) watch
    ``TargetSucceeded`` (freshness SLA) and ``QualityFailed`` (quality alerts) of the same datapoints."""
    return {
        "namespace": inputs.metric_namespace,
        "dimensions": metric_names.target_dimensions(
            inputs.project, inputs.target.database, inputs.target.table
        ),
    }


def _operations_view(operations: dict[str, Any]) -> dict[str, Any]:
    """The nested ``operations`` block wins over root keys
    (docs/contract-language.md#annotations-operations-and-access); ``target`` is dropped."""
    view = {k: v for k, v in operations.items() if k not in ("target", "operations")}
    view.update(operations.get("operations") or {})
    return view


def _metadata(contract: dict[str, Any]) -> dict[str, Any]:
    annotations = {k: v for k, v in (contract.get("annotations") or {}).items() if k != "target"}
    operations = _operations_view(contract.get("operations") or {})
    access = {k: v for k, v in (contract.get("access") or {}).items() if k != "target"}
    ownership = operations.get("ownership") or {}
    owner = contract.get("owner") or next(
        (ownership.get(k) for k in ("technical_owner", "business_owner", "steward") if ownership.get(k)), None
    )
    freshness = operations.get("freshness_sla_minutes")
    return {
        "description": contract.get("description") or ((annotations.get("table") or {}).get("description")),
        "owner": owner,
        "domain": contract.get("domain"),
        "tags": _names(contract.get("tags")),
        "sla": contract.get("sla") or (f"{freshness} minutes" if freshness else None),
        "runtime_parameters": contract.get("runtime_parameters") or {},
        "annotations": annotations,
        "operations": operations,
        "access": access,
        "freshness_sla_minutes": freshness,
    }
