"""run_plan: the single evaluator of a run plan, in Glue and locally.

Stages (one function each, in this order): evidence store (tables set up once per deployment) →
idempotency → upstream snapshots (skip when unchanged, run/upstream.py) → lock → read → prepare →
key guards → quality (quarantine rows are written before the target) → schema policy (refusals fail
before any write) → write → files ledger / state (only after a committed write) → evidence rows →
release lock. The outline they run in (failure recording, lock release) is shared with stream runs:
``run.skeleton``; a plan whose source family is ``stream`` goes to ``run.stream``.
On any failure: a FAILED run row and an errors row with the real exception and stack trace; the
target is untouched (every write is one Iceberg commit) and state does not move. Writing that
failure evidence can itself fail; it is then printed and the *original* error is raised.
"""

from __future__ import annotations

import sys

import contractforge_runtime.run.batch_paths as batch_paths
from contractforge_runtime.checks import intake
from contractforge_runtime.environment.session_conf import run_session_conf
from contractforge_runtime.evidence import run_rows
from contractforge_runtime.evidence import schema as evidence_tables
from contractforge_runtime.evidence.commit_tags import RUN_ID_PROPERTY, WATERMARK_PROPERTY
from contractforge_runtime.evidence.values import to_json_text
from contractforge_runtime.governance import run_governance
from contractforge_runtime.plan_view import PlanView
from contractforge_runtime.reliability import idempotency
from contractforge_runtime.reliability.faults import fault_point
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
from contractforge_runtime.run.stream import run_stream_plan
from contractforge_runtime.sources import SourceContext, SourceResult, read_source
from contractforge_runtime.write import merge_guard, writes
from contractforge_runtime.write.commit_properties import with_commit_properties
from contractforge_runtime.write.iceberg_tables import ensure_namespace

PUBLIC_WRITE = {
    writes.APPEND: "iceberg_append",
    writes.OVERWRITE: "iceberg_overwrite",
    writes.UPSERT: "iceberg_merge_into",
    writes.HASH_DIFF: "iceberg_hash_diff_merge_into",
    writes.HISTORICAL: "iceberg_history_merge_into",
    writes.SNAPSHOT: "iceberg_snapshot_merge_into",
}


def run_plan(spark, plan: dict, ctx, raise_on_failure: bool = True) -> RunResult:
    """Execute one run plan. Raises the original error on failure unless ``raise_on_failure`` is False
    (the FAILED result then carries it in ``.error``)."""
    if PlanView.of(plan).source.family == "stream":  # available-now micro-batches
        return run_stream_plan(spark, plan, ctx, raise_on_failure=raise_on_failure)
    run = RunState(spark, plan, ctx, metrics_source="contractforge_runtime")
    return run_outline(run, _execute, record_failure, raise_on_failure)


def _execute(run: RunState) -> None:
    with run_session_conf(run.spark):
        open_evidence(run)
        decision = decide_and_lock(run)
        if decision.action == idempotency.SKIP:
            run.measured["skipped_by_run_id"] = decision.skipped_by_run_id
            finish_skipped(run, decision.skip_reason, quality_status=SKIPPED)
            return
        with run.timed("access_check"):
            run_governance.check_access(run)  # on_drift: fail stops here, before anything is written
        source = _read(run)
        if source.df is None:
            finish_skipped(run, "no_new_input", quality_status=SKIPPED)
            return
        single_pass = batch_paths.single_pass(run)
        guard = batch_paths.guarded(run, source)
        keys_in_merge = batch_paths.keys_in_merge(run)
        try:
            written = _process(run, source, single_pass, guard, keys_in_merge)
        except Exception as error:
            if guard and intake.guard_tripped(error):
                # Rows to quarantine (malformed records, failed casts): nothing was written; the
                # batch is cached, counted and split the exact way.
                what = "has rows to quarantine (malformed records or failed casts)"
            elif keys_in_merge and merge_guard.keys_tripped(error):
                # A NULL or repeated merge key reached the MERGE: nothing was committed; the counted
                # key guard refuses the batch with its usual message.
                what = "has merge keys to refuse (NULL or on several rows)"
            else:
                raise
            print(
                f"contractforge: {run.result.target_table}: the batch {what}; nothing was written, it "
                "is read again and checked the counted way (the engine's task error above is that guard)",
                file=sys.stderr,
            )
            written = _process(run, source, single_pass=False, guard=False, keys_in_merge=False)
        if written is None:  # dry run
            return
        fault_point("after_commit")
        _commit_hooks(run, source)
        if run.result.rows_read is None:  # single pass: every row read was written (no rule drops any)
            run.result.rows_read = written.rows_written + _intake_rows(run)
        if written.status == SKIPPED:
            finish_skipped(run, written.skip_reason, quality_status=run.result.quality_status)
            return
        run.result.status = SUCCESS
        finish(run, SUCCESS)


def _process(
    run: RunState, source: SourceResult, single_pass: bool, guard: bool, keys_in_merge: bool = False
):
    """prepare → key guards → quality → schema policy → write; None for a dry run (finished here).
    ``keys_in_merge``: the key guard rides in the MERGE's source (``batch_paths.keys_in_merge``)."""
    df, guarded_keys = _prepare(run, source, cache=not single_pass, guard=guard, keys_in_merge=keys_in_merge)
    key_check = None if guarded_keys is not None else _key_guards(run, df, count=not single_pass)
    df, quality_quarantined = _quality(run, df)
    # Quality kept every row: the row count and the key classification still describe the batch.
    kept_all = quality_quarantined == 0
    classification = key_check.classification if key_check is not None and kept_all else None
    ready, hash_columns = _schema_policy(run, df, classification)
    if run.view.run.dry_run:
        finish_skipped(run, "dry_run", quality_status=run.result.quality_status)
        return None
    known_rows = run.measured.get("batch_rows") if kept_all else None
    return _write(
        run, ready, hash_columns, known_rows, classification, _commit_properties(source), guarded_keys
    )


def _read(run: RunState) -> SourceResult:
    with run.timed("read"):
        fault_point("read")
        target_table = run.result.target_table
        # the latest state only for sources that resume from its watermark (a Spark job otherwise saved)
        previous = run.previous_state if run.plan["source"].get("incremental") is not None else None
        sctx = SourceContext(run.spark, run.ctx, previous, run.evidence, target_table, run.plan)
        source = read_source(run.spark, run.plan["source"], sctx)
        run.measured["source_metrics"] = {**run.measured.get("source_metrics", {}), **source.metadata}
        run.measured["input_schema"] = source.df.schema if source.df is not None else None
        run.measured["watermark"] = source.watermark
    return source


def _prepare(
    run: RunState, source: SourceResult, cache: bool = True, guard: bool = False, keys_in_merge: bool = False
):
    """(prepared batch, its MERGE key guard or None). Preparation, with the rows that cannot enter
    split off where they enter: malformed records before it, failed casts after it (both
    quarantined, checks/intake.py), then a backlog's older versions of a key (write/backlog.py).
    ``guard``: neither is counted; a row of either fails the job that reads it (``intake.guarded``),
    and the caller prepares again without the guard. ``keys_in_merge``: the batch is not cached; the
    key guard and the backlog reduction are part of its plan (write/merge_guard.py), unless its plan
    cannot carry them (then it is cached and guarded the counted way)."""
    from contractforge_runtime.checks import intake
    from contractforge_runtime.environment.hidden_columns import CAST_FAILED, MALFORMED
    from contractforge_runtime.prepare.pipeline import prepare
    from contractforge_runtime.sources.text_files import malformed_policy
    from contractforge_runtime.write.backlog import latest_per_key

    with run.timed("prepare"):
        raw, counts = source.df, {}
        if guard:
            raw = intake.guarded(raw, MALFORMED, "malformed record")
        elif MALFORMED in raw.columns:
            raw = _persisted(run, raw)
            split = intake.split_malformed(raw, malformed_policy(run.plan["source"]))
            raw, counts["malformed_records"] = split.df, split.rows
            _quarantine(run, split)
        df = prepare(raw, run.view.preparation, run.view.target.layer)
        guarded_keys = None
        if keys_in_merge:
            split = (
                intake.Split(intake.guarded(df, CAST_FAILED, "failed cast")) if guard else intake.Split(df)
            )
            guarded_keys = merge_guard.guarded_merge_source(split.df, run.write, source.order_by)
        if guarded_keys is not None:
            run.measured["intake"] = {}
            run.measured["source_schema"] = guarded_keys.df.schema.simpleString()
            return guarded_keys.df, guarded_keys
        if cache:
            # Cached once: count, key guards, quality and the write see the same rows (sources may
            # change between reads); deserialized storage is the cheapest to build (about a read's cost).
            df = _persisted(run, df)
        if guard:
            split = intake.Split(intake.guarded(df, CAST_FAILED, "failed cast"))
        else:
            split = intake.split_cast_failures(df, list(run.view.write.merge_keys))
            counts["cast_failed"] = split.rows
            _quarantine(run, split)
        backlog = latest_per_key(split.df, run.write, source.order_by)
        if backlog.cached is not None:
            run.cached.append(backlog.cached)
            counts["backlog_rows_superseded"] = backlog.superseded
        elif split.total is not None:  # the batch was counted with its failed casts: no count of its own
            run.measured["batch_rows"] = split.total - split.rows
        df = backlog.df
        run.measured["intake"] = {k: v for k, v in counts.items() if v}
        if run.measured["intake"]:  # in source_metrics_json beside rows_read / rows_quarantined
            run.measured["source_metrics"] = {
                **run.measured["source_metrics"],
                "intake": run.measured["intake"],
            }
        run.measured["source_schema"] = df.schema.simpleString()
    return df, None


def _intake_rows(run: RunState) -> int:
    return sum(run.measured.get("intake", {}).values())


def _persisted(run: RunState, df):
    from pyspark import StorageLevel

    df = df.persist(StorageLevel.MEMORY_AND_DISK_DESER)
    run.cached.append(df)
    return df


def _quarantine(run: RunState, split) -> None:
    if split.rows:
        record_quarantine(run, split.quarantine)  # written before the target, as quality's are
        run.result.rows_quarantined = (run.result.rows_quarantined or 0) + split.rows


def _key_guards(run: RunState, df, count: bool = True):
    """Merge modes count the rows and classify the keys in the guard's own aggregation; other
    modes count the rows here (unless the write counts them: single pass)."""
    result = run.result
    with run.timed("key_guards"):
        try:
            key_check = writes.check_merge_keys(
                df, run.write, result.target_table, run.plan.get("preparation")
            )
        except writes.KeyGuardError as refused:
            result.rows_read = refused.rows
            raise
        if key_check is not None and key_check.classification is not None:
            run.cached.append(key_check.classification.per_key)
    with run.timed("prepare"):
        if key_check is not None or (count and "batch_rows" not in run.measured):
            run.measured["batch_rows"] = key_check.rows if key_check is not None else df.count()
    if "batch_rows" in run.measured:
        # rows read: the batch plus the rows split off before it (malformed, failed casts, superseded)
        result.rows_read = run.measured["batch_rows"] + _intake_rows(run)
    return key_check


def _quality(run: RunState, df):
    from contractforge_runtime.checks import quality

    quality_plan = run.view.quality
    with run.timed("quality"):
        fault_point("quality")
        outcome = quality.evaluate(
            df,
            list(quality_plan.rules),
            quality_plan.on_quality_fail or "fail",
            list(run.view.write.merge_keys),
        )
        run.cached.extend(outcome._cached)
        run.result.quality_status = outcome.status
        record_quality(run, outcome)
        run.result.rows_quarantined = (run.result.rows_quarantined or 0) + outcome.rows_quarantined
    return outcome.valid_df, outcome.rows_quarantined


def _schema_policy(run: RunState, df, classification):
    from contractforge_runtime.checks import schema_policy

    target_table = run.result.target_table
    with run.timed("schema_policy"):
        fault_point("schema_policy")
        if classification is not None and classification.compared_hash:
            df = classification.changed_rows(df)  # hash diff: only new and changed rows go on
        ready, hash_columns = writes.prepare_for_write(df, run.write, run.plan.get("preparation"))
        try:
            ready, diff = schema_policy.enforce(
                run.spark, ready, target_table, run.view.write.schema_policy or "permissive"
            )
        except schema_policy.SchemaPolicyError as refused:
            _append_schema_changes(run, refused.diff)
            raise
        if not diff.target_exists:  # the write creates the table (an existing table's namespace exists)
            ensure_namespace(run.spark, target_table, _target_location(run))
        # added to: a guarded attempt that lost its bet (``_execute``) may have applied changes already
        run.measured["schema_changes"] = [
            *run.measured.get("schema_changes", []),
            *schema_policy.evidence_rows(diff),
        ]
        run.measured["output_schema"] = ready.schema
        _append_schema_changes(run, diff)
    return ready, hash_columns


def _write(
    run: RunState,
    ready,
    hash_columns,
    known_rows,
    classification,
    properties: dict[str, str],
    guarded_keys: merge_guard.GuardedSource | None = None,
) -> writes.WriteResult:
    with run.timed("write"):
        run.measured["write_started_at"] = run_rows.utc_now()
        created = writes.ensure_target(run.spark, run.result.target_table, ready.schema, run.target)
        # kept: a guarded attempt that lost its bet may have created the table (``_execute``)
        created = run.measured["target_created"] = created or run.measured.get("target_created", False)
        fault_point("write")
        # Every commit of the write carries the run id (and recovery hints) in its snapshot summary:
        # a commit whose evidence never got written is found and reconciled (reliability/reconcile.py).
        written = with_commit_properties(
            run.spark,
            {RUN_ID_PROPERTY: run.result.run_id, **properties},
            lambda: writes.write(
                ready, run.write, run.target, hash_columns, rows=known_rows, classification=classification
            ),
        )
        run.measured["write_finished_at"] = run_rows.utc_now()
    if guarded_keys is not None:
        _take_guarded_counts(run, guarded_keys, written)
    written.table_created = created
    _take_write_result(run, written)
    return written


def _take_guarded_counts(run: RunState, guarded_keys, written: writes.WriteResult) -> None:
    """The batch's row count (and a backlog's superseded versions) observed while MERGE read it."""
    with run.timed("prepare"):
        counts = guarded_keys.counts()
    rows = run.measured["batch_rows"] = counts["rows"]
    if counts["superseded"]:
        run.measured["intake"] = {"backlog_rows_superseded": counts["superseded"]}
        run.measured["source_metrics"] = {**run.measured["source_metrics"], "intake": run.measured["intake"]}
    run.result.rows_read = rows + _intake_rows(run)
    if written.operation_metrics.get("write_mode") == writes.HASH_DIFF:
        written.operation_metrics["hash_diff_unchanged_rows"] = max(rows - written.rows_written, 0)


def _commit_properties(source: SourceResult) -> dict[str, str]:
    """Recovery hints for the snapshot summary: the source's (e.g. files consumed) and the watermark."""
    properties = dict(source.commit_properties)
    watermark = source.watermark or {}
    if watermark.get("current") is not None:
        properties[WATERMARK_PROPERTY] = to_json_text(
            {"column": watermark.get("column"), "current": watermark["current"]}
        )
    return properties


def _commit_hooks(run: RunState, source: SourceResult) -> None:
    with run.timed("commit_hooks"):
        if source.on_commit is not None:
            source.on_commit()  # e.g. the processed-files ledger: only once the data is safely stored


def _target_location(run: RunState) -> str | None:
    location = run.view.target.location
    return run.ctx.paths.resolve(location) if location else None


def _append_schema_changes(run: RunState, diff) -> None:
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


def _take_write_result(run: RunState, written: writes.WriteResult) -> None:
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
    run.measured["write_engine_reason"] = written.skip_reason or PUBLIC_WRITE.get(run.view.write.mode)
