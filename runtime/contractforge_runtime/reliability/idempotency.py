"""Idempotency policies, decided from ``ctrl_ingestion_runs`` before anything is read.

Runs are matched on (target_table, idempotency_key); a NULL key matches earlier runs with a NULL
key, i.e. the target's whole keyless history. Only SUCCESS and FAILED rows are decisive (SKIPPED
rows, including the skips this module causes, are not).

- always_run: run.
- skip_if_success: skip when any earlier run with the key succeeded (skipped_by_run_id = the
  latest such run).
- fail_if_success: fail (before reading) when any earlier run with the key succeeded.
- rerun_if_failed: run when there is no earlier run or the latest decisive one FAILED; skip when
  the latest decisive run succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass

from contractforge_runtime.evidence.schema import RUNS

POLICIES = ("always_run", "skip_if_success", "fail_if_success", "rerun_if_failed")
RUN, SKIP, FAIL = "run", "skip", "fail"
SKIP_REASON_ALREADY_SUCCEEDED = "already_succeeded"


RUN_KEY = "{run_key}"


class IdempotencyKeyMissing(ValueError):
    """The contract's key template needs a per-run key and the run was given none."""


def effective_key(template: str | None, run_key: str | None) -> str | None:
    """The key a run is matched on: the contract's ``idempotency_key`` with ``{run_key}`` replaced by
    the per-run key (``run --idempotency-key``, the Glue argument ``--CONTRACTFORGE_RUN_KEY``, the
    Step Functions input ``idempotency_key``); a template without ``{run_key}`` gets ``/<run key>``
    appended; no template → the run key itself."""
    run_key = (run_key or "").strip() or None
    if template is None:
        return run_key
    if RUN_KEY in template:
        if run_key is None:
            raise IdempotencyKeyMissing(
                f"idempotency_key {template!r} needs a per-run key: run --idempotency-key KEY, the Glue "
                "argument --CONTRACTFORGE_RUN_KEY or the Step Functions input field idempotency_key"
            )
        return template.replace(RUN_KEY, run_key)
    return template if run_key is None else f"{template}/{run_key}"


def with_run_key(plan: dict, run_key: str | None) -> dict:
    """The plan with its ``run.idempotency_key`` made effective for this run (a copy when it changes)."""
    run = plan.get("run") or {}
    key = effective_key(run.get("idempotency_key"), run_key)
    if key == run.get("idempotency_key"):
        return plan
    return {**plan, "run": {**run, "idempotency_key": key}}


class IdempotencyViolation(RuntimeError):
    """fail_if_success found an earlier successful run with the same key."""


@dataclass(frozen=True)
class IdempotencyDecision:
    action: str  # run | skip | fail
    policy: str
    idempotency_key: str | None
    skip_reason: str | None = None
    skipped_by_run_id: str | None = None
    message: str | None = None

    def raise_if_failed(self) -> None:
        if self.action == FAIL:
            raise IdempotencyViolation(self.message)


def decide(store, target_table: str, policy: str | None, idempotency_key: str | None) -> IdempotencyDecision:
    policy = policy or "always_run"
    if policy not in POLICIES:
        raise ValueError(f"unknown idempotency_policy {policy!r}; expected one of {POLICIES}")
    if policy == "always_run":
        return IdempotencyDecision(RUN, policy, idempotency_key)
    history = _decisive_runs(store, target_table, idempotency_key)
    successes = [r for r in history if r["status"] == "SUCCESS"]
    key_text = "no idempotency key" if idempotency_key is None else f"idempotency key {idempotency_key!r}"
    if policy == "rerun_if_failed":
        if not history or history[0]["status"] == "FAILED":
            return IdempotencyDecision(RUN, policy, idempotency_key)
        return _skip(policy, idempotency_key, history[0]["run_id"], key_text)
    if not successes:
        return IdempotencyDecision(RUN, policy, idempotency_key)
    if policy == "skip_if_success":
        return _skip(policy, idempotency_key, successes[0]["run_id"], key_text)
    return IdempotencyDecision(
        FAIL,
        policy,
        idempotency_key,
        message=(
            f"fail_if_success: {target_table} already succeeded with {key_text} in run "
            f"{successes[0]['run_id']}"
        ),
    )


def _skip(policy: str, key: str | None, by_run_id: str, key_text: str) -> IdempotencyDecision:
    return IdempotencyDecision(
        SKIP,
        policy,
        key,
        skip_reason=SKIP_REASON_ALREADY_SUCCEEDED,
        skipped_by_run_id=by_run_id,
        message=f"{policy}: already succeeded with {key_text} in run {by_run_id}",
    )


def _decisive_runs(store, target_table: str, key: str | None) -> list[dict]:
    """SUCCESS/FAILED runs of the target with the key, newest first."""
    from pyspark.sql import functions as F

    key_match = F.col("idempotency_key").isNull() if key is None else F.col("idempotency_key") == key
    rows = (
        store.read(RUNS)
        .filter(
            (F.col("target_table") == target_table) & key_match & F.col("status").isin("SUCCESS", "FAILED")
        )
        .select("run_id", "status", F.coalesce("finished_at_utc", "run_ts_utc").alias("at"))
        .orderBy(F.col("at").desc_nulls_last(), F.col("run_id").desc())
        .collect()
    )
    return [r.asDict() for r in rows]
