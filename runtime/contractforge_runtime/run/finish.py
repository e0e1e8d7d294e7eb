"""The evidence a run leaves behind once it is decided: success, skip or failure.

Called by the batch run (run.batch) and the stream run (run.stream) with their RunState: both record the
same governance (annotations applied, access check and LF-tags, operations snapshot, deployment versions)
and publish the same metrics. On success or skip: state, lineage and metadata rows
commit side by side (the runs row's data file is written alongside), then the runs row commits (so a
SUCCESS row never exists without them). On failure: a
FAILED run row and an errors row with the real exception; an evidence problem is printed and never
replaces the original error.
"""

from __future__ import annotations

import sys

import contractforge_runtime.run.upstream as upstream
from contractforge_runtime.environment.root_cause import describe
from contractforge_runtime.evidence import commit_tags, lineage, run_rows, state
from contractforge_runtime.evidence import schema as evidence_tables
from contractforge_runtime.evidence.store import EvidenceStore
from contractforge_runtime.governance import metrics, run_governance
from contractforge_runtime.reliability import idempotency, locks
from contractforge_runtime.reliability.faults import fault_point
from contractforge_runtime.results import FAILED, SKIPPED, SUCCESS

NOT_CONFIGURED, NOT_RUN = "NOT_CONFIGURED", "NOT_RUN"


def finish_skipped(run, reason: str, quality_status: str, detail: str | None = None) -> None:
    run.result.status, run.result.skip_reason, run.result.quality_status = SKIPPED, reason, quality_status
    if run.result.rows_read is None:
        run.result.rows_read = 0
    run.result.operation_metrics.setdefault("skip_reason", reason)
    run.measured.setdefault("write_engine_status", SKIPPED)
    run.measured["write_engine_reason"] = reason if detail is None else f"{reason}: {detail}"
    finish(run, SKIPPED)


def finish(run, status: str) -> None:
    run.stage = "evidence"
    measured = run.measured_values(status)
    run.result.duration_seconds = round((measured["finished_at"] - measured["started_at"]).total_seconds(), 3)
    # State, lineage and metadata commit side by side; the runs row goes last, once they are stored,
    # so a SUCCESS row never exists without them (and a failure here is recorded as FAILED instead).
    governance = [
        *run_governance.annotation_batch(run, measured),
        *run_governance.operations_batch(run, measured),
        *run_governance.access_batch(run, measured),
        *run_governance.deployment_batch(run, measured),
    ]
    with run.timed("evidence"):  # after duration_seconds: the runs row cannot hold its own time
        row = run_rows.run_row(run.view, run.ctx, run.spark, measured, run.redact)
        run.evidence.append_each(
            [
                *_state_batch(run, measured),
                *governance,
                (evidence_tables.LINEAGE, [lineage.lineage_row(run.view, run.ctx, measured, run.redact)]),
                (evidence_tables.METADATA, [run_rows.metadata_row(run.view, run.ctx, measured, run.redact)]),
                *locks.history_batch(run.lock),
            ],
            # written alongside them, committed once they are
            last=(
                evidence_tables.RUNS,
                [row],
                commit_tags.recorded_properties(row["target_table"], row["run_id"]),
            ),
            before_last=lambda: fault_point("evidence"),
        )
    metrics.publish(run.plan, run.ctx, measured)


def _state_batch(run, measured: dict) -> list[tuple[str, list[dict]]]:
    """The ctrl_ingestion_state row to append, if any; the watermark only moves with a committed
    SUCCESS (evidence/state.py)."""
    if measured["skip_reason"] in (idempotency.SKIP_REASON_ALREADY_SUCCEEDED, upstream.SKIP_REASON):
        # a policy skip did not look at the data, an upstream skip found what the state already
        # records (and took no lock): the state stays the previous run's
        return []
    snapshots = measured.get("input_snapshots")
    row = state.build_state_row(
        run.result.target_table,
        run.ctx.run_id,
        measured["status"],
        previous=run.previous_state if _carries_forward(run, measured) else None,
        rows_written=measured.get("rows_written"),
        write_committed=bool(measured.get("write_committed")),
        watermark=measured.get("watermark"),
        table_version=measured.get("table_version_after"),
        error_message=run.redact(measured.get("error_message")),
        ids=run.ctx.static_ids(run.view.run.static_ids),
        now=measured["finished_at"],
        input_snapshots=None if snapshots is None else upstream.consumed(run.plan, snapshots),
    )
    return [(evidence_tables.STATE, [row], state.commit_properties(row))]


def _carries_forward(run, measured: dict) -> bool:
    """Whether the state row takes anything from the previous one: not for a committed SUCCESS of a
    source without a watermark (every column is this run's own), so such a run reads no state."""
    fresh = (
        measured["status"] == SUCCESS and measured.get("write_committed") and not measured.get("watermark")
    )
    return not fresh or (run.plan.get("source") or {}).get("incremental") is not None


def record_failure(run, error: BaseException) -> None:
    """FAILED run row + errors row; never lets an evidence problem replace the original error."""
    try:
        if run.evidence is None:
            evidence = run.view.evidence
            run.evidence = EvidenceStore(run.spark, evidence.database, table_prefix=evidence.table_prefix)
        if run.result.quality_status == NOT_CONFIGURED and (run.plan.get("quality") or {}).get("rules"):
            run.result.quality_status = NOT_RUN  # the step failed before its rules were evaluated
        measured = run.measured_values(FAILED)
        measured["error_message"] = describe(error)
        measured["metrics_source"] = "runtime_exception"
        measured.setdefault("write_engine_status", FAILED)
        run.result.duration_seconds = round(
            (measured["finished_at"] - measured["started_at"]).total_seconds(), 3
        )
        errors = [run_rows.error_row(run.view, run.ctx, run.spark, error, run.stage, run.redact)]
        run.evidence.append_each(
            [
                # only the lock holder may write the target's state
                *(_state_batch(run, measured) if run.lock is not None else []),
                (evidence_tables.ERRORS, errors),
                *run_governance.operations_batch(run, measured),
                *run_governance.access_batch(run, measured),
                (evidence_tables.LINEAGE, [lineage.lineage_row(run.view, run.ctx, measured, run.redact)]),
                *locks.history_batch(run.lock, error),
            ],
            last=(
                evidence_tables.RUNS,
                [run_rows.run_row(run.view, run.ctx, run.spark, measured, run.redact)],
            ),
        )
        metrics.publish(run.plan, run.ctx, measured)
    except Exception as evidence_error:  # noqa: BLE001 - reported, the original error wins
        print(
            f"contractforge: could not record failure evidence for {run.result.target_table}: "
            f"{type(evidence_error).__name__}: {run.redact(str(evidence_error))}",
            file=sys.stderr,
        )
