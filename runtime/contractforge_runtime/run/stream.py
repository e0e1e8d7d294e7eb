"""run_stream_plan: a run plan whose source family is ``stream`` (available-now micro-batches).

``run.batch.run_plan`` dispatches here (family "stream"). The outline is the batch run's
(``run.skeleton``: evidence, idempotency policy, target lock, failure recording, lock release); then
per micro-batch (re-bound to the job's session by ``streaming.run_stream``): preparation → key
guards → quality (quality rows; quarantine rows before the target write; an abort fails the
stream) → schema policy → write → one ``ctrl_ingestion_streams``
row. After the query stops: one run row (totals in ``operation_metrics_json``: stream_batches,
stream_rows_read/written/quarantined, contractforge_rows_written), lineage, metadata, a state row and
the governance a batch run records (access check before the stream, annotations, LF-tags, operations
snapshot, deployment versions, metrics): both finish through ``run.finish``.

A rerun with no new input processes zero batches and is recorded as SKIPPED / ``no_new_input``
(the reference records SUCCESS with zero rows; SKIPPED is what batch runs say for the same fact).
Overwrite is refused (the planner refuses it too): every micro-batch would replace the table.
Failures: ``run.finish.record_failure`` (FAILED run row + errors row), then the original exception is
re-raised.
"""

from __future__ import annotations

from contractforge_runtime.evidence import run_rows
from contractforge_runtime.evidence import schema as evidence_tables
from contractforge_runtime.evidence.commit_tags import RUN_ID_PROPERTY
from contractforge_runtime.governance import run_governance
from contractforge_runtime.reliability import idempotency
from contractforge_runtime.results import SKIPPED, SUCCESS, RunResult
from contractforge_runtime.run.finish import finish, finish_skipped, record_failure
from contractforge_runtime.run.skeleton import (
    RunState,
    decide_and_lock,
    open_evidence,
    record_quality,
    record_quarantine,
    run_outline,
)
from contractforge_runtime.sources import stream as streaming
from contractforge_runtime.sources import stream_options
from contractforge_runtime.write import writes
from contractforge_runtime.write.commit_properties import with_commit_properties
from contractforge_runtime.write.iceberg_tables import ensure_namespace

STREAM_MODES = (writes.APPEND, writes.UPSERT, writes.HASH_DIFF)


class StreamPlanError(ValueError):
    """The plan cannot run as a stream (e.g. overwrite)."""


class _StreamStep(RunState):
    """One stream step: the plan, the evidence store and what the batches have measured so far."""

    def __init__(self, spark, plan: dict, ctx) -> None:
        super().__init__(spark, plan, ctx, metrics_source="spark_streaming")
        self.source = plan["source"]
        self.schema_changes: list[dict] = []
        self.summary: streaming.StreamSummary | None = None  # set once the query stopped

    # -------------------------------------------------------------------------------- per batch
    def process_batch(self, batch_df, batch_id: int) -> streaming.BatchOutcome:
        from pyspark import StorageLevel

        from contractforge_runtime.checks import intake, quality, schema_policy
        from contractforge_runtime.prepare.pipeline import prepare

        started = run_rows.utc_now()
        spark = self.spark  # run_stream re-bound the micro-batch to the job's session
        self.stage = f"batch {batch_id}: prepare"
        df = prepare(batch_df, self.view.preparation, self.view.target.layer)
        df = df.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            rows_read = df.count()
            cast_failed = intake.split_cast_failures(df, list(self.view.write.merge_keys))
            if cast_failed.rows:
                record_quarantine(self, cast_failed.quarantine)
            df_kept = cast_failed.df
            self.stage = f"batch {batch_id}: key_guards"
            writes.check_merge_keys(df_kept, self.write)
            self.stage = f"batch {batch_id}: quality"
            quality_plan = self.view.quality
            outcome = quality.evaluate(
                df_kept,
                list(quality_plan.rules),
                quality_plan.on_quality_fail or "fail",
                list(self.view.write.merge_keys),
            )
            try:
                record_quality(self, outcome)
                self.stage = f"batch {batch_id}: schema_policy"
                ready, hash_columns = writes.prepare_for_write(
                    outcome.valid_df, self.write, self.plan.get("preparation")
                )
                ready, diff = schema_policy.enforce(
                    spark, ready, self.result.target_table, self.view.write.schema_policy or "permissive"
                )
                self.schema_changes.extend(schema_policy.evidence_rows(diff))
                self.stage = f"batch {batch_id}: write"
                writes.ensure_target(spark, self.result.target_table, ready.schema, self.target)
                written = with_commit_properties(  # the run id in the commit's snapshot summary
                    spark,
                    {RUN_ID_PROPERTY: self.result.run_id},
                    lambda: writes.write(ready, self.write, self.target, hash_columns),
                )
            finally:
                outcome.release()
        finally:
            df.unpersist()
        self._take_write(written)
        batch = streaming.BatchOutcome(
            rows_read, written.rows_written, cast_failed.rows + outcome.rows_quarantined, outcome.status
        )
        self.evidence.append(evidence_tables.STREAMS, [self._stream_row(batch_id, batch, started)])
        return batch

    def _take_write(self, written) -> None:
        result = self.result
        for name in ("rows_inserted", "rows_updated", "rows_deleted"):
            setattr(result, name, getattr(result, name) + getattr(written, name))
        if result.table_version_before is None and written.table_version_before is not None:
            result.table_version_before = written.table_version_before
        if written.committed:
            result.table_version_after = written.table_version_after
            result.write_committed = True

    def _stream_row(self, batch_id: int, batch: streaming.BatchOutcome, started) -> dict:
        ended = run_rows.utc_now()
        run, target, source = self.view.run, self.view.target, self.view.source
        return {
            "stream_run_id": f"{self.result.run_id}:{batch_id}",
            "run_id": self.result.run_id,
            "idempotency_key": run.idempotency_key,
            "idempotency_policy": run.idempotency_policy,
            "target_table": self.result.target_table,
            "target_catalog": target.catalog,
            "target_layer": target.layer,
            "runtime_entrypoint": self.ctx.runtime_entrypoint,
            "notebook_name": self.ctx.job_name,
            "source_type": source.type,
            "source_path": self.redact(stream_options.stream_label(self.source)),
            "trigger": streaming.TRIGGER,
            "checkpoint_location": self.redact(source.checkpoint_location),
            "status": SUCCESS,
            "started_at_utc": started,
            "ended_at_utc": ended,
            "duration_seconds": round((ended - started).total_seconds(), 3),
            "batches_processed": 1,
            "total_rows_read": batch.rows_read,
            "total_rows_written": batch.rows_written,
            "total_rows_quarantined": batch.rows_quarantined,
            "batch_id": str(batch_id),
            "batch_metrics_json": {
                "rows_read": batch.rows_read,
                "rows_written": batch.rows_written,
                "rows_quarantined": batch.rows_quarantined,
                "quality_status": batch.quality_status,
            },
            "captured_at_utc": ended,
            **run_rows.runtime_columns(self.spark, self.ctx),
            **self.ctx.static_ids(run.static_ids),
        }

    # --------------------------------------------------------------------------------- run level
    def measured_values(self, status: str) -> dict:
        """The batch totals of the stream (when it ran) in the run's result, then the shared values."""
        from contractforge_runtime.checks.quality import worst_status

        result, summary = self.result, self.summary
        metrics = summary.metrics() if summary is not None else {}
        result.operation_metrics = {
            **result.operation_metrics,
            **metrics,
            "checkpoint_location": self.redact(self.view.source.checkpoint_location),
        }
        if summary is not None:
            result.rows_read = summary.rows_read
            result.rows_written = summary.rows_written
            result.rows_quarantined = summary.rows_quarantined
            result.quality_status = (
                worst_status(summary.quality_statuses) if summary.quality_statuses else SKIPPED
            )
        return run_rows.measured_values(self.measured, result, status, schema_changes=self.schema_changes)


def run_stream_plan(spark, plan: dict, ctx, raise_on_failure: bool = True) -> RunResult:
    """Execute one stream step; same contract as ``run.batch.run_plan``."""
    return run_outline(_StreamStep(spark, plan, ctx), _execute, record_failure, raise_on_failure)


def _execute(step: _StreamStep) -> None:
    mode = step.view.write.mode
    if mode not in STREAM_MODES:
        raise StreamPlanError(
            f"write mode {writes.PUBLIC_NAMES.get(mode, mode)!r} cannot run as a stream; use append, upsert or "
            "hash_diff_upsert (overwrite would replace the table on every micro-batch)"
        )
    open_evidence(step)
    decision = decide_and_lock(step)
    if decision.action == idempotency.SKIP:
        step.measured["skipped_by_run_id"] = decision.skipped_by_run_id
        finish_skipped(step, decision.skip_reason, quality_status=SKIPPED)
        return
    with step.timed("access_check"):
        run_governance.check_access(step)  # on_drift: fail stops here, before any micro-batch
    target_location = step.view.target.location
    ensure_namespace(
        step.spark,
        step.result.target_table,
        step.ctx.paths.resolve(target_location) if target_location else None,
    )
    step.stage = "stream"
    summary = step.summary = streaming.run_stream(step.spark, step.source, step.process_batch, step.ctx)
    step.measured["source_metrics"] = step.redact(
        {
            "format": summary.source_format,
            "options": stream_options.source_options(step.source),
            **summary.metrics(),
        }
    )
    if summary.no_new_input:
        finish_skipped(step, "no_new_input", quality_status=SKIPPED, detail=summary.describe())
        return
    step.result.status = SUCCESS
    step.measured["write_engine_status"] = SUCCESS
    step.measured["write_engine_reason"] = "iceberg_foreach_batch_" + writes.PUBLIC_NAMES[step.write["mode"]]
    finish(step, SUCCESS)
