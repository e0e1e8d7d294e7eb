"""run_stream_plan: a run plan whose source family is ``stream`` (available-now micro-batches).

``run.batch.run_plan`` dispatches here (family "stream"). The outline is the batch run's
(``run.skeleton``: evidence, idempotency policy, target lock, failure recording, lock release); then
per micro-batch (re-bound to the job's session by ``streaming.run_stream``): preparation → key
guards → quality (quality rows; quarantine rows before the target write; an abort fails the
stream) → schema policy → write → one ``ctrl_ingestion_streams``
row. After the query stops: one run row (totals in ``operation_metrics_json``: stream_batches,
stream_rows_read/written/quarantined, contractforge_rows_written), lineage, metadata and a state row.

A rerun with no new input processes zero batches and is recorded as SKIPPED / ``no_new_input``
(the reference records SUCCESS with zero rows; SKIPPED is what batch runs say for the same fact).
Overwrite is refused (the planner refuses it too): every micro-batch would replace the table.
Failures: FAILED run row + errors row, then the original exception is re-raised.
"""

from __future__ import annotations

import sys

from contractforge_runtime.evidence import lineage, run_rows
from contractforge_runtime.evidence import schema as evidence_tables
from contractforge_runtime.evidence.store import EvidenceStore
from contractforge_runtime.reliability import idempotency, locks
from contractforge_runtime.results import FAILED, SKIPPED, SUCCESS, RunResult
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
                written = writes.write(ready, self.write, self.target, hash_columns)
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
    def measured_for(self, status: str, summary: streaming.StreamSummary | None) -> dict:
        from contractforge_runtime.checks.quality import worst_status

        result = self.result
        metrics = summary.metrics() if summary is not None else {}
        result.operation_metrics = {
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
        measured = run_rows.measured_values(self.measured, result, status, schema_changes=self.schema_changes)
        return measured

    def finish(self, status: str, summary: streaming.StreamSummary | None) -> None:
        from contractforge_runtime.evidence import state

        self.stage = "evidence"
        measured = self.measured_for(status, summary)
        self.result.duration_seconds = round(
            (measured["finished_at"] - measured["started_at"]).total_seconds(), 3
        )
        plan, ctx, redact = self.view, self.ctx, self.redact
        self.evidence.append(evidence_tables.LINEAGE, [lineage.lineage_row(plan, ctx, measured, redact)])
        self.evidence.append_each(
            [
                (evidence_tables.METADATA, [run_rows.metadata_row(plan, ctx, measured, redact)]),
                *locks.history_batch(self.lock),
            ]
        )
        self.evidence.append(
            evidence_tables.RUNS, [run_rows.run_row(plan, ctx, self.spark, measured, redact)]
        )
        if self.result.skip_reason == idempotency.SKIP_REASON_ALREADY_SUCCEEDED:
            return  # a policy skip did not look at the data: the state stays the previous run's
        row = state.build_state_row(
            self.result.target_table,
            self.result.run_id,
            status,
            previous=self.previous_state,  # read under the lock, which this run still holds
            rows_written=self.result.rows_written,
            write_committed=self.result.write_committed,
            table_version=self.result.table_version_after,
            ids=ctx.static_ids(plan.run.static_ids),
        )
        self.evidence.append(evidence_tables.STATE, [row], state.commit_properties(row))


def run_stream_plan(spark, plan: dict, ctx, raise_on_failure: bool = True) -> RunResult:
    """Execute one stream step; same contract as ``run.batch.run_plan``."""
    return run_outline(_StreamStep(spark, plan, ctx), _execute, _record_failure, raise_on_failure)


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
        step.result.status, step.result.skip_reason = SKIPPED, decision.skip_reason
        step.result.rows_read, step.result.quality_status = 0, SKIPPED
        step.measured.update(skipped_by_run_id=decision.skipped_by_run_id, write_engine_status=SKIPPED)
        step.measured["write_engine_reason"] = decision.skip_reason
        step.finish(SKIPPED, None)
        return
    target_location = step.view.target.location
    ensure_namespace(
        step.spark,
        step.result.target_table,
        step.ctx.paths.resolve(target_location) if target_location else None,
    )
    step.stage = "stream"
    summary = streaming.run_stream(step.spark, step.source, step.process_batch, step.ctx)
    step.measured["source_metrics"] = step.redact(
        {
            "format": summary.source_format,
            "options": stream_options.source_options(step.source),
            **summary.metrics(),
        }
    )
    if summary.no_new_input:
        step.result.status, step.result.skip_reason = SKIPPED, "no_new_input"
        step.measured["write_engine_status"] = SKIPPED
        step.measured["write_engine_reason"] = "no_new_input: " + summary.describe()
        step.finish(SKIPPED, summary)
        return
    step.result.status = SUCCESS
    step.measured["write_engine_status"] = SUCCESS
    step.measured["write_engine_reason"] = "iceberg_foreach_batch_" + writes.PUBLIC_NAMES[step.write["mode"]]
    step.finish(SUCCESS, summary)


def _record_failure(step: _StreamStep, error: BaseException) -> None:
    try:
        if step.evidence is None:
            step.evidence = EvidenceStore(step.spark, step.view.evidence.database)
        measured = step.measured_for(FAILED, None)
        measured["error_message"] = f"{type(error).__name__}: {error}"
        measured["metrics_source"] = "runtime_exception"
        measured.setdefault("write_engine_status", FAILED)
        errors = [run_rows.error_row(step.view, step.ctx, step.spark, error, step.stage, step.redact)]
        step.evidence.append_each([(evidence_tables.ERRORS, errors), *locks.history_batch(step.lock, error)])
        step.evidence.append(
            evidence_tables.RUNS,
            [run_rows.run_row(step.view, step.ctx, step.spark, measured, step.redact)],
        )
    except Exception as evidence_error:  # noqa: BLE001 - reported, the original error wins
        print(
            f"contractforge: could not record stream failure evidence for {step.result.target_table}: "
            f"{type(evidence_error).__name__}: {step.redact(str(evidence_error))}",
            file=sys.stderr,
        )
