"""Builders for the evidence rows one run writes (ctrl_ingestion_runs, _errors, _lineage, _metadata).

Pure functions of the plan, the run context and what the runner measured; the runner appends them
through EvidenceStore. Everything that may hold a secret goes through ``redact`` first.
"""

from __future__ import annotations

import platform
import traceback
from datetime import UTC, datetime
from typing import Any

import contractforge_runtime
from contractforge_runtime.environment.root_cause import describe
from contractforge_runtime.plan_view import PlanView, SourceView

SOURCE_JSON_FIELDS = ("options", "read", "request", "auth", "pagination", "response", "incremental", "limits")


def utc_now() -> datetime:
    return datetime.now(UTC)


RESULT_FIGURES = (
    "quality_status",
    "skip_reason",
    "stage_durations",
    "operation_metrics",
    "table_version_before",
    "table_version_after",
    "write_committed",
    "rows_read",
    "rows_written",
    "rows_inserted",
    "rows_updated",
    "rows_deleted",
    "rows_quarantined",
)


def measured_values(base: dict, result, status: str, **extra: Any) -> dict:
    """What the evidence rows are built from: the stage's own measurements (``base``) plus the
    RunResult's figures at finish time (shared by the batch and the stream runs)."""
    measured = dict(base)
    measured.update(
        status=status,
        finished_at=utc_now(),
        **{name: getattr(result, name) for name in RESULT_FIGURES},
        rows_expired=0,
        **extra,
    )
    return measured


def source_table(source: SourceView) -> str | None:
    """What the run read, as one readable string (table, SQL inputs, path or URL)."""
    if source.table:
        return source.table
    if source.inputs:
        return ",".join(source.inputs)
    return source.path or (source.request or {}).get("url") or source.url


def _provider(source: SourceView) -> str | None:
    path = source.path or ""
    return "s3" if path.startswith(("s3://", "s3a://")) else None


def runtime_columns(spark, ctx) -> dict[str, Any]:
    return {
        "framework_version": contractforge_runtime.__version__,
        "runtime_type": ctx.runtime_type,
        "engine_version": f"spark {spark.version}",
        "spark_version": spark.version,  # the operations guide's name, beside engine_version
        "python_version": platform.python_version(),
    }


def run_row(plan: PlanView, ctx, spark, measured: dict, redact) -> dict:
    """One ctrl_ingestion_runs row; ``measured`` holds what the runner observed (see run.skeleton.RunState.measured)."""
    source, target, write, metadata, run = plan.source, plan.target, plan.write, plan.metadata, plan.run
    operations = metadata.operations
    started, finished = measured["started_at"], measured["finished_at"]
    watermark = measured.get("watermark") or {}
    row = {
        "run_id": ctx.run_id,
        "run_ts_utc": started,
        "run_date": started.date(),
        "runtime_entrypoint": ctx.runtime_entrypoint,
        "notebook_name": ctx.job_name,  # the guide's "caller name": the Glue job (local: the step's job)
        "layer": target.layer,
        "source_table": redact(source_table(source)),
        "source_type": source.type,
        "source_connector": source.family,
        "source_name": source.name,
        "source_system": source.system,
        "source_provider": _provider(source),
        "source_format": source.format,
        "source_path": redact(source.path),
        "source_capabilities_json": {"family": source.family, "bookmarks": source.bookmarks},
        "source_metrics_json": redact(measured.get("source_metrics") or {}),
        "target_table": target.identifier,
        "mode": write.mode,
        "write_engine_requested": "spark_iceberg",
        "write_engine_selected": "spark_iceberg",
        "write_engine_status": measured.get("write_engine_status"),
        "write_engine_reason": measured.get("write_engine_reason"),
        "write_engine_fallback_policy": "none",
        "status": measured["status"],
        "watermark_column": watermark.get("column"),
        "watermark_previous": _text(watermark.get("previous")),
        "watermark_current": _text(watermark.get("current")),
        "started_at_utc": started,
        "finished_at_utc": finished,
        "duration_seconds": round((finished - started).total_seconds(), 3),
        "quality_status": measured.get("quality_status"),
        "schema_policy": write.schema_policy,
        "schema_changes_json": measured.get("schema_changes") or [],
        "stage_durations_json": measured.get("stage_durations") or {},
        "contract_description": metadata.description,
        "contract_owner": metadata.owner,
        "contract_domain": metadata.domain,
        "contract_tags_json": contract_tags(metadata),
        "contract_sla": metadata.sla
        or (str(metadata.freshness_sla_minutes) if metadata.freshness_sla_minutes else None),
        "runtime_parameters_json": redact(metadata.runtime_parameters),
        "operation_metrics_json": measured.get("operation_metrics") or {},
        "write_started_at_utc": measured.get("write_started_at"),
        "write_finished_at_utc": measured.get("write_finished_at"),
        "table_version_before": measured.get("table_version_before"),
        "table_version_after": measured.get("table_version_after"),
        # the guide's names for the same Iceberg snapshot ids
        "delta_version_before": measured.get("table_version_before"),
        "delta_version_after": measured.get("table_version_after"),
        "write_committed": bool(measured.get("write_committed")),
        "error_message": redact(measured.get("error_message")),
        "idempotency_key": run.idempotency_key,
        "idempotency_policy": run.idempotency_policy,
        "skip_reason": measured.get("skip_reason"),
        "skipped_by_run_id": measured.get("skipped_by_run_id"),
        "metrics_source": measured.get("metrics_source", "contractforge_runtime"),
        "annotations_status": measured.get("annotations_status"),
        "annotations_result_json": measured.get("annotations_result"),
        "ownership_json": operations.get("ownership") or None,
        "operations_json": operations or None,
        "metrics_json": {k: measured.get(k) for k in ROW_COUNTS},
        **{k: measured.get(k) for k in ROW_COUNTS},
        **ctx.static_ids(run.static_ids),
        **runtime_columns(spark, ctx),
    }
    for name in SOURCE_JSON_FIELDS:
        if getattr(source, name) is not None:
            row[f"source_{name}_json"] = redact(getattr(source, name))
    return row


def contract_tags(metadata) -> Any:
    """The contract's ``tags`` list, else the operations tags, else the table annotation tags."""
    annotations = metadata.annotations or {}
    return (
        list(metadata.tags)
        or (metadata.operations or {}).get("tags")
        or (annotations.get("table") or {}).get("tags")
        or []
    )


ROW_COUNTS = (
    "rows_read",
    "rows_written",
    "rows_inserted",
    "rows_updated",
    "rows_deleted",
    "rows_expired",
    "rows_quarantined",
)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def error_row(plan: PlanView, ctx, spark, error: BaseException, stage: str, redact) -> dict:
    now = utc_now()
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return {
        "run_id": ctx.run_id,
        "error_ts_utc": now,
        "error_date": now.date(),
        "target_table": plan.target.identifier,
        "source_table": redact(source_table(plan.source)),
        "mode": plan.write.mode,
        "status": "FAILED",
        "error_type": stage,
        "error_class": f"{type(error).__module__}.{type(error).__qualname__}",
        "error_message": redact(describe(error)),  # the root cause; the whole chain is in stack_trace
        "stack_trace": redact(trace),
        "occurred_at_utc": now,
        **runtime_columns(spark, ctx),
    }


def metadata_row(plan: PlanView, ctx, measured: dict, redact) -> dict:
    return {
        "component": "contractforge_runtime",
        "framework_version": contractforge_runtime.__version__,
        "updated_at_utc": measured["finished_at"],
        "run_id": ctx.run_id,
        "target_table": plan.target.identifier,
        "source_metadata_json": redact(
            {"source": measured.get("source_metrics") or {}, "schema": measured.get("source_schema")}
        ),
        "captured_at_utc": measured["finished_at"],
    }
