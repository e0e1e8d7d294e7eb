"""Idempotency and state against real Iceberg evidence tables (locks: test_lock_sqlite/_dynamodb)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from contractforge_runtime.evidence import state
from contractforge_runtime.evidence.store import EvidenceStore
from contractforge_runtime.reliability import idempotency

pytestmark = pytest.mark.slow
TARGET = "glue_catalog.cf_x.orders"
T0 = datetime(2026, 6, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def store(spark):
    return EvidenceStore(spark, f"cf_rel_{uuid.uuid4().hex[:8]}")


def _run(store, run_id, status, key, minutes):
    at = T0 + timedelta(minutes=minutes)
    store.append(
        "ctrl_ingestion_runs",
        [
            {
                "run_id": run_id,
                "target_table": TARGET,
                "status": status,
                "idempotency_key": key,
                "run_ts_utc": at,
                "run_date": at,
                "finished_at_utc": at,
            }
        ],
    )


def test_idempotency_policies(store):
    assert idempotency.decide(store, TARGET, "skip_if_success", "2026-06-02").action == "run"
    _run(store, "r-fail", "FAILED", "2026-06-02", 1)
    assert idempotency.decide(store, TARGET, "skip_if_success", "2026-06-02").action == "run"
    assert idempotency.decide(store, TARGET, "rerun_if_failed", "2026-06-02").action == "run"
    _run(store, "r-ok", "SUCCESS", "2026-06-02", 2)
    _run(store, "r-skip", "SKIPPED", "2026-06-02", 3)

    skipped = idempotency.decide(store, TARGET, "skip_if_success", "2026-06-02")
    assert (skipped.action, skipped.skip_reason, skipped.skipped_by_run_id) == (
        "skip",
        "already_succeeded",
        "r-ok",
    )
    assert idempotency.decide(store, TARGET, "rerun_if_failed", "2026-06-02").skipped_by_run_id == "r-ok"
    failing = idempotency.decide(store, TARGET, "fail_if_success", "2026-06-02")
    assert failing.action == "fail" and "r-ok" in failing.message
    with pytest.raises(idempotency.IdempotencyViolation):
        failing.raise_if_failed()
    # other keys, the keyless history and always_run are unaffected
    assert idempotency.decide(store, TARGET, "skip_if_success", "2026-06-03").action == "run"
    assert idempotency.decide(store, TARGET, "skip_if_success", None).action == "run"
    assert idempotency.decide(store, TARGET, "always_run", "2026-06-02").action == "run"
    # a later failure re-opens rerun_if_failed but not skip_if_success
    _run(store, "r-fail-2", "FAILED", "2026-06-02", 4)
    assert idempotency.decide(store, TARGET, "rerun_if_failed", "2026-06-02").action == "run"
    assert idempotency.decide(store, TARGET, "skip_if_success", "2026-06-02").action == "skip"
    with pytest.raises(ValueError):
        idempotency.decide(store, TARGET, "sometimes", None)


def test_state_advances_only_after_a_committed_write(store):
    assert state.latest_state(store, TARGET) is None
    first = state.build_state_row(
        TARGET,
        "r1",
        "SUCCESS",
        rows_written=4,
        write_committed=True,
        table_version="111",
        watermark={"column": "updated_at", "previous": None, "current": "2026-06-01T00:00:00"},
        now=T0,
    )
    store.append("ctrl_ingestion_state", [first])
    previous = state.latest_state(store, TARGET)
    assert previous["watermark_value"] == "2026-06-01T00:00:00" and previous["last_table_version"] == "111"
    failed = state.build_state_row(
        TARGET,
        "r2",
        "FAILED",
        previous=previous,
        error_message="boom",
        watermark={
            "column": "updated_at",
            "previous": "2026-06-01T00:00:00",
            "current": "2026-06-05T00:00:00",
        },
        now=T0 + timedelta(hours=1),
    )
    assert failed["watermark_value"] == "2026-06-01T00:00:00"
    assert failed["last_watermark_candidate"] == "2026-06-05T00:00:00"
    assert failed["last_success_at_utc"] == T0 and failed["last_table_version"] == "111"
    store.append("ctrl_ingestion_state", [failed])
    latest = state.latest_state(store, TARGET)
    assert latest["last_run_id"] == "r2" and latest["last_status"] == "FAILED"
    assert latest["last_success_at_utc"] == T0
