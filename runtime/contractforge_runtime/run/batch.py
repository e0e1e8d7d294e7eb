"""run_plan: the single evaluator of a run plan, in Glue and locally.

Stages: ensure evidence → idempotency → lock → read → prepare → key guards → quality (quarantine rows
are written before the target) → schema policy (refusals fail before any write) → write → files ledger
/ state (only after a committed write) → evidence rows → release lock.
On any failure: a FAILED run row and an errors row with the real exception and stack trace; the
target is untouched (every write is one Iceberg commit) and state does not move. Writing that
failure evidence can itself fail; it is then printed and the *original* error is raised.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Any

from contractforge_runtime.environment.session_conf import run_session_conf
from contractforge_runtime.evidence import run_rows, state
from contractforge_runtime.evidence import schema as evidence_tables
from contractforge_runtime.evidence.store import EvidenceStore
from contractforge_runtime.reliability import idempotency, locks
from contractforge_runtime.results import FAILED, SKIPPED, SUCCESS, QualityAbort, RunResult
from contractforge_runtime.run.finish import finish, finish_skipped, record_failure
from contractforge_runtime.sources import SourceContext, read_source
from contractforge_runtime.write import writes
from contractforge_runtime.write.iceberg_tables import ensure_namespace


class _Run:
    """State of one run while it executes (kept off RunResult so the result stays a plain value)."""

    def __init__(self, spark, plan: dict, ctx):
        self.spark, self.plan, self.ctx = spark, plan, ctx
        self.target = plan["target"]
        self.write = plan.get("write") or {}
        self.result = RunResult(run_id=ctx.run_id, target_table=self.target["identifier"])
        self.measured: dict[str, Any] = {
            "started_at": run_rows.utc_now(),
            "metrics_source": "contractforge_runtime",
        }
        self.stage = "setup"
        self.evidence: EvidenceStore | None = None
        self.lock: locks.Lock | None = None
        self.previous_state: dict | None = None
        self.cached: list = []
        self.redact = ctx.secret_resolver().redact

    @contextmanager
    def timed(self, stage: str):
        self.stage = stage
        began = time.perf_counter()
        try:
            yield
        finally:
            durations = self.result.stage_durations
            durations[stage] = round(durations.get(stage, 0.0) + time.perf_counter() - began, 3)


def run_plan(spark, plan: dict, ctx, raise_on_failure: bool = True) -> RunResult:
    """Execute one run plan. Raises the original error on failure unless ``raise_on_failure`` is False
    (the FAILED result then carries it in ``.error``)."""
    if (plan.get("source") or {}).get("family") == "stream":  # available-now micro-batches
        from contractforge_runtime.run.stream import run_stream_plan

        return run_stream_plan(spark, plan, ctx, raise_on_failure=raise_on_failure)
    run = _Run(spark, plan, ctx)
    try:
        with run_session_conf(spark):
            _execute(run)
    except Exception as error:  # noqa: BLE001 - recorded, then re-raised (or returned) unchanged
        run.result.status, run.result.error, run.result.error_stage = FAILED, error, run.stage
        record_failure(run, error)
        if raise_on_failure:
            raise
    finally:
        for df in run.cached:
            df.unpersist()
        _release_lock(run)
    return run.result


def _release_lock(run: _Run) -> None:
    if run.lock is None:
        return
    try:
        run.lock.release()
    except Exception as error:  # noqa: BLE001 - the lock expires by TTL; the run's outcome stands
        print(
            f"contractforge: could not release the lock on {run.result.target_table}: {error}",
            file=sys.stderr,
        )


def _execute(run: _Run) -> None:
    plan, ctx, spark, result = run.plan, run.ctx, run.spark, run.result
    with run.timed("evidence_setup"):
        evidence_plan = plan.get("evidence") or {}
        location = evidence_plan.get("location")
        run.evidence = EvidenceStore(
            spark, evidence_plan["database"], ctx.paths.resolve(location) if location else None
        )
        run.evidence.ensure()

    with run.timed("idempotency"):
        run_settings = plan.get("run") or {}
        decision = idempotency.decide(
            run.evidence,
            result.target_table,
            run_settings.get("idempotency_policy"),
            run_settings.get("idempotency_key"),
        )
        decision.raise_if_failed()
    if decision.action == idempotency.SKIP:
        run.measured["skipped_by_run_id"] = decision.skipped_by_run_id
        finish_skipped(run, decision.skip_reason, quality_status=SKIPPED)
        return

    with run.timed("lock"):
        run.lock = locks.acquire(
            run.evidence,
            result.target_table,
            ctx.run_id,
            owner=ctx.job_name,
            ttl_minutes=int(run_settings.get("lock_ttl_minutes") or 60),
        )
        if (run_settings.get("idempotency_policy") or "always_run") != "always_run":
            # Decided again under the lock: a run that finished between the first check and the
            # lock must not be repeated (the first check only spares taking the lock).
            decision = idempotency.decide(
                run.evidence,
                result.target_table,
                run_settings.get("idempotency_policy"),
                run_settings.get("idempotency_key"),
            )
            decision.raise_if_failed()
        run.previous_state = state.latest_state(run.evidence, result.target_table)
    if decision.action == idempotency.SKIP:
        run.measured["skipped_by_run_id"] = decision.skipped_by_run_id
        finish_skipped(run, decision.skip_reason, quality_status=SKIPPED)
        return

    with run.timed("read"):
        sctx = SourceContext(spark, ctx, run.previous_state, run.evidence, result.target_table, plan)
        source = read_source(spark, plan["source"], sctx)
        run.measured["source_metrics"] = source.metadata
        run.measured["input_schema"] = source.df.schema if source.df is not None else None
        run.measured["watermark"] = source.watermark
    if source.df is None:
        finish_skipped(run, "no_new_input", quality_status=SKIPPED)
        return

    with run.timed("prepare"):
        from pyspark import StorageLevel

        from contractforge_runtime.prepare.pipeline import prepare

        # Cached once: count, key guards, quality and the write see the same rows (sources may change
        # between reads); deserialized storage is the cheapest to build (about a plain read's cost).
        df = prepare(source.df, plan.get("preparation"), run.target.get("layer")).persist(
            StorageLevel.MEMORY_AND_DISK_DESER
        )
        run.cached.append(df)
        run.measured["source_schema"] = df.schema.simpleString()

    with run.timed("key_guards"):
        try:  # merge modes count the rows and classify the keys in the guard's own aggregation
            key_check = writes.check_merge_keys(df, run.write, result.target_table, plan.get("preparation"))
        except writes.KeyGuardError as refused:
            result.rows_read = refused.rows
            raise
        classification = key_check.classification if key_check is not None else None
        if classification is not None:
            run.cached.append(classification.per_key)
    with run.timed("prepare"):
        result.rows_read = key_check.rows if key_check is not None else df.count()

    df = _quality(run, df)
    # Quality kept every row: the row count and the key classification still describe the batch.
    kept_all = result.rows_quarantined == 0
    known_rows = result.rows_read if kept_all else None
    classification = classification if kept_all else None
    with run.timed("schema_policy"):
        from contractforge_runtime.checks import schema_policy

        if classification is not None and classification.compared_hash:
            df = classification.changed_rows(df)  # hash diff: only new and changed rows go on
        ready, hash_columns = writes.prepare_for_write(df, run.write, plan.get("preparation"))
        ensure_namespace(spark, result.target_table, _target_location(run))
        try:
            ready, diff = schema_policy.enforce(
                spark, ready, result.target_table, run.write.get("schema_policy", "permissive")
            )
        except schema_policy.SchemaPolicyError as refused:
            _append_schema_changes(run, refused.diff)
            raise
        run.measured["schema_changes"] = schema_policy.evidence_rows(diff)
        run.measured["output_schema"] = ready.schema
        _append_schema_changes(run, diff)

    if (plan.get("run") or {}).get("dry_run"):
        finish_skipped(run, "dry_run", quality_status=result.quality_status)
        return

    with run.timed("write"):
        run.measured["write_started_at"] = run_rows.utc_now()
        created = writes.ensure_target(spark, result.target_table, ready.schema, run.target)
        written = writes.write(
            ready, run.write, run.target, hash_columns, rows=known_rows, classification=classification
        )
        run.measured["write_finished_at"] = run_rows.utc_now()
    written.table_created = created
    _take_write_result(run, written)

    with run.timed("commit_hooks"):
        if source.on_commit is not None:
            source.on_commit()  # e.g. the processed-files ledger: only once the data is safely stored
    if written.status == SKIPPED:
        finish_skipped(run, written.skip_reason, quality_status=result.quality_status)
        return
    result.status = SUCCESS
    finish(run, SUCCESS)


def _target_location(run: _Run) -> str | None:
    location = run.target.get("location")
    return run.ctx.paths.resolve(location) if location else None


def _quality(run: _Run, df):
    from contractforge_runtime.checks import quality

    result, plan = run.result, run.plan
    rules = (plan.get("quality") or {}).get("rules") or []
    with run.timed("quality"):
        outcome = quality.evaluate(
            df,
            rules,
            (plan.get("quality") or {}).get("on_quality_fail", "fail"),
            list(run.write.get("merge_keys") or []),
        )
        run.cached.extend(outcome._cached)
        result.quality_status = outcome.status
        now = run_rows.utc_now()
        common = {"run_id": result.run_id, "target_table": result.target_table}
        run.evidence.append(
            evidence_tables.QUALITY, [{**common, "checked_at_utc": now, **r} for r in outcome.results]
        )
        if outcome.abort_message:
            raise QualityAbort(outcome.abort_message)
        if outcome.quarantine_df is not None and outcome.rows_quarantined:
            from pyspark.sql import functions as F

            quarantine = outcome.quarantine_df.select(
                "*",
                F.lit(result.run_id).alias("run_id"),
                F.lit(result.target_table).alias("target_table"),
                F.current_timestamp().alias("quarantined_at_utc"),
            )
            run.evidence.append_df(evidence_tables.QUARANTINE, quarantine)  # before the target write
        result.rows_quarantined = outcome.rows_quarantined
    return outcome.valid_df


def _append_schema_changes(run: _Run, diff) -> None:
    from contractforge_runtime.checks import schema_policy

    rows = schema_policy.evidence_rows(diff)
    if not rows:
        return
    now = run_rows.utc_now()
    extra = {
        "run_id": run.result.run_id,
        "target_table": run.result.target_table,
        "change_ts_utc": now,
        "changed_at_utc": now,
        "framework_version": run_rows.runtime_columns(run.spark, run.ctx)["framework_version"],
    }
    run.evidence.append(evidence_tables.SCHEMA_CHANGES, [{**extra, **row} for row in rows])


def _take_write_result(run: _Run, written: writes.WriteResult) -> None:
    result = run.result
    for name in (
        "rows_written",
        "rows_inserted",
        "rows_updated",
        "rows_deleted",
        "table_version_before",
        "table_version_after",
    ):
        setattr(result, name, getattr(written, name))
    result.write_committed = written.committed
    result.operation_metrics = dict(written.operation_metrics, table_created=written.table_created)
    run.measured["write_engine_status"] = written.status
    run.measured["write_engine_reason"] = written.skip_reason or PUBLIC_WRITE.get(run.write.get("mode"))


PUBLIC_WRITE = {
    writes.APPEND: "iceberg_append",
    writes.OVERWRITE: "iceberg_overwrite",
    writes.UPSERT: "iceberg_merge_into",
    writes.HASH_DIFF: "iceberg_hash_diff_merge_into",
}
