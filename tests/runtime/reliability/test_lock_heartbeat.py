"""Lock renewal: a run longer than the TTL keeps its lock; a renewal never steals a lock that
changed hands; release stops the heartbeat."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from contractforge_runtime.reliability import locks
from contractforge_runtime.reliability.lock_sqlite import SqliteLockStore
from contractforge_runtime.reliability.lock_store import this_process

TARGET = "glue_catalog.cf_x.orders"


@pytest.fixture
def store(tmp_path):
    return SqliteLockStore(tmp_path / "locks.sqlite")


def test_renewal_moves_the_expiry_of_the_stored_record(store):
    clock = [1_000_000.0]
    lock = locks.acquire(store, TARGET, this_process("run-1"), ttl_minutes=10, now=lambda: clock[0])
    assert store.get(TARGET).expires_at == clock[0] + 600
    assert lock.renew(now=clock[0] + 500)
    assert store.get(TARGET).expires_at == clock[0] + 500 + 600
    # past the first expiry, the record still names run-1: a second run is refused
    with pytest.raises(locks.LockHeld, match="locked by run run-1"):
        locks.acquire(store, TARGET, this_process("run-2"), ttl_minutes=10, now=lambda: clock[0] + 700)
    lock.release()
    assert store.get(TARGET) is None


def test_a_renewal_never_takes_back_a_lock_that_changed_hands(store):
    lock = locks.acquire(store, TARGET, this_process("run-1"), ttl_minutes=10)
    other = replace(lock.record, holder=this_process("run-2"))
    assert store.replace(other, "run-1")  # e.g. taken over after the TTL passed
    assert not lock.renew()
    assert "no longer held by run run-1" in lock.lost
    assert store.get(TARGET).holder.run_id == "run-2"


def test_the_heartbeat_renews_until_release(store):
    lock = locks.acquire(store, TARGET, this_process("run-1"), ttl_minutes=10)
    first_expiry = store.get(TARGET).expires_at
    lock.start_heartbeat(interval_seconds=0.01)
    deadline = time.monotonic() + 30
    while store.get(TARGET).expires_at == first_expiry and time.monotonic() < deadline:
        time.sleep(0.01)
    assert store.get(TARGET).expires_at > first_expiry
    lock.release()
    assert store.get(TARGET) is None
    beats = [t for t in threading.enumerate() if t.name == "cf-lock-heartbeat"]
    for thread in beats:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in beats)
    assert store.get(TARGET) is None  # a late beat did not write the released lock back
