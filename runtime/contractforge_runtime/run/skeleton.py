"""The outline every run shares, batch or stream.

``run_outline(run, execute, record_failure)`` runs ``execute(run)``; on any error it marks the
result FAILED, lets ``record_failure`` write the failure evidence and re-raises the original error
(or returns the FAILED result); in every case it unpersists the run's cached frames and releases
the target lock. ``execute`` starts with ``open_evidence`` and ``decide_and_lock`` (idempotency,
then the lock, then idempotency again under the lock) and records quality with ``record_quality``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import contractforge_runtime.run.upstream as upstream
from contractforge_runtime.environment.root_cause import describe
from contractforge_runtime.evidence import keyed_insert, run_rows, state
from contractforge_runtime.evidence import schema as evidence_tables
from contractforge_runtime.evidence.store import EvidenceStore
from contractforge_runtime.plan_view import PlanView
from contractforge_runtime.reliability import idempotency, locks, reconcile
from contractforge_runtime.results import FAILED, QualityAbort, RunResult


class RunState:
    """State of one run while it executes (kept off RunResult so the result stays a plain value).

    ``view`` is the typed run plan every stage reads; ``plan`` is the dict it was read from, and
    ``target`` / ``write`` its dict sections, which the write stage and the readers still take."""

    def __init__(self, spark, plan: dict, ctx, metrics_source: str):
        self.key_error: Exception | None = None  # the per-run idempotency key is missing
        try:
            plan = idempotency.with_run_key(plan, ctx.run_key)
        except idempotency.IdempotencyKeyMissing as error:
            self.key_error = error  # a FAILED run with evidence, raised at the idempotency stage
        self.spark, self.plan, self.ctx = spark, plan, ctx
        self.view = PlanView.of(plan)
        self.target = plan["target"]
        self.write = plan.get("write") or {}
        self.result = RunResult(run_id=ctx.run_id, target_table=self.view.target.identifier)
        self.measured: dict[str, Any] = {"started_at": run_rows.utc_now(), "metrics_source": metrics_source}
        self.stage = "setup"
        self.evidence: EvidenceStore | None = None
        self.lock: locks.Lock | None = None
        self._previous_state: dict | None = None
        self._state_read = False
        self.cached: list = []
        self.redact = ctx.secret_resolver().redact

    @property
    def previous_state(self) -> dict | None:
        """The target's latest ``ctrl_ingestion_state`` row, read on first use (a Spark job over the
        state table): under the lock, by the incremental sources that need its watermark, and by the
        evidence of a run whose state row carries something forward (evidence/state.py)."""
        if not self._state_read:
            self._previous_state = (
                state.latest_state(self.evidence, self.result.target_table) if self.evidence else None
            )
            self._state_read = True
        return self._previous_state

    @previous_state.setter
    def previous_state(self, value: dict | None) -> None:
        self._previous_state, self._state_read = value, True

    def measured_values(self, status: str) -> dict[str, Any]:
        """What this run's evidence rows are built from at finish time (a stream adds its totals)."""
        return run_rows.measured_values(self.measured, self.result, status)

    @contextmanager
    def timed(self, stage: str):
        self.stage = stage
        began = time.perf_counter()
        try:
            yield
        finally:
            durations = self.result.stage_durations
            durations[stage] = round(durations.get(stage, 0.0) + time.perf_counter() - began, 3)


def run_outline(
    run: RunState,
    execute: Callable[[RunState], None],
    record_failure: Callable[[RunState, BaseException], None],
    raise_on_failure: bool,
) -> RunResult:
    try:
        execute(run)
    except Exception as error:  # noqa: BLE001 - recorded, then re-raised (or returned) unchanged
        run.result.status, run.result.error, run.result.error_stage = FAILED, error, run.stage
        record_failure(run, error)
        if raise_on_failure:
            raise
    finally:
        for df in run.cached:
            df.unpersist()
        release_lock(run)
    return run.result


def open_evidence(run: RunState) -> None:
    with run.timed("evidence_setup"):
        location = run.view.evidence.location
        # No ensure(): evidence tables are set up once per deployment; a missing one is created
        # by the first read or append that needs it (evidence/store.py).
        run.evidence = EvidenceStore(
            run.spark,
            run.view.evidence.database,
            run.ctx.paths.resolve(location) if location else None,
            table_prefix=run.view.evidence.table_prefix,
        )


def decide_and_lock(run: RunState) -> idempotency.IdempotencyDecision:
    """The idempotency decision, then (unless it says skip) the upstream check (run/upstream.py:
    inputs unchanged → a SKIP decision, no lock), then the target lock (the target's latest state
    is read under it when first needed: ``RunState.previous_state``). A skip decision is returned for the caller to record; a fail decision raises."""
    run_settings = run.view.run
    with run.timed("idempotency"):
        decision = _decide(run)
    if decision.action == idempotency.SKIP:
        return decision
    if upstream.applies(run.plan):
        with run.timed("upstream_check"):  # before the lock: a skip writes neither target nor state
            skip = upstream.skip_decision(run, decision)
        if skip is not None:
            return skip
    with run.timed("lock"):
        run.lock = locks.acquire_for_run(run.spark, run.plan, run.ctx, run.result.target_table)
        if (run_settings.idempotency_policy or "always_run") != "always_run":
            # Decided again under the lock: a run that finished between the first check and the
            # lock must not be repeated (the first check only spares taking the lock).
            decision = _decide(run)
    with run.timed("reconcile"):  # commits of killed runs (no runs row) are back-filled first
        reconcile.reconcile(run)
    return decision


def _decide(run: RunState) -> idempotency.IdempotencyDecision:
    if run.key_error is not None:
        raise run.key_error
    decision = idempotency.decide(
        run.evidence,
        run.result.target_table,
        run.view.run.idempotency_policy,
        run.view.run.idempotency_key,
    )
    decision.raise_if_failed()
    return decision


def record_quality(run: RunState, outcome) -> None:
    """Quality rows; an abort raises QualityAbort; quarantine rows are appended before the write."""
    result = run.result
    common = {"run_id": result.run_id, "target_table": result.target_table}
    now = run_rows.utc_now()
    run.evidence.append(
        evidence_tables.QUALITY, [{**common, "checked_at_utc": now, **r} for r in outcome.results]
    )
    if outcome.abort_message:
        raise QualityAbort(outcome.abort_message)
    if outcome.quarantine_df is not None and outcome.rows_quarantined:
        record_quarantine(run, outcome.quarantine_df)


def record_quarantine(run: RunState, rows) -> None:
    """Quarantine rows (rule_name … reason) of this run, keyed by target, rule and record: a record
    quarantined before (a re-delivered file, a recovery run) is not added again."""
    from pyspark.sql import functions as F

    from contractforge_runtime.checks.intake import QUARANTINE_KEY

    result = run.result
    quarantine = rows.select(
        "*",
        F.lit(result.run_id).alias("run_id"),
        F.lit(result.target_table).alias("target_table"),
        F.current_timestamp().alias("quarantined_at_utc"),
    )
    keyed_insert.insert_missing(run.evidence, evidence_tables.QUARANTINE, quarantine, QUARANTINE_KEY)


def release_lock(run: RunState) -> None:
    if run.lock is None:
        return
    try:
        run.lock.release()
    except Exception as error:  # noqa: BLE001 - the lock expires by TTL; the run's outcome stands
        print(
            f"contractforge: could not release the lock on {run.result.target_table}: "
            f"{run.redact(describe(error))}",
            file=sys.stderr,
        )
        record_cleanup_error(run, error, "lock_release")


def record_cleanup_error(run: RunState, error: BaseException, what: str) -> None:
    """An errors row for a failure while cleaning up (after the run's outcome was recorded): added
    beside the run's own error, never in its place."""
    if run.evidence is None:
        return
    try:
        row = run_rows.error_row(run.view, run.ctx, run.spark, error, f"cleanup:{what}", run.redact)
        run.evidence.append(evidence_tables.ERRORS, [row])
    except Exception as evidence_error:  # noqa: BLE001 - best effort: the message was printed already
        print(f"contractforge: could not record the {what} error: {run.redact(describe(evidence_error))}",
              file=sys.stderr)  # fmt: skip
