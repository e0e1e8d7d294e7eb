"""The local lock store (SQLite file): exclusion across processes, refusal naming the holder, dead and
expired holders taken over, bounded waits, operator release."""

from __future__ import annotations

import multiprocessing
import signal
import subprocess
import sys

import pytest
from contractforge_runtime.reliability import locks
from contractforge_runtime.reliability.lock_sqlite import SqliteLockStore
from contractforge_runtime.reliability.lock_store import Holder, process_start, this_process

TARGET = "glue_catalog.cf_x.orders"


@pytest.fixture
def store(tmp_path):
    return SqliteLockStore(tmp_path / "locks.sqlite")


def test_a_held_lock_refuses_a_second_run_naming_the_holder(store):
    first = locks.acquire(store, TARGET, this_process("run-1", "job-a"), ttl_minutes=30)
    with pytest.raises(locks.LockHeld) as held:
        locks.acquire(store, TARGET, this_process("run-2", "job-b"), ttl_minutes=30)
    message = str(held.value)
    assert held.value.holder_run_id == "run-1"
    assert "locked by run run-1 (pid " in message and " on host " in message and " since " in message
    refused = locks.history_batch(None, held.value)[0][1][0]
    assert (refused["run_id"], refused["status"]) == ("run-2", "REFUSED")
    # another target is independent
    locks.acquire(store, TARGET + "_other", this_process("run-2"), ttl_minutes=30).release()
    first.release()
    with locks.acquire(store, TARGET, this_process("run-3"), ttl_minutes=30) as third:
        assert store.get(TARGET).holder.run_id == "run-3"
    assert third.released and store.get(TARGET) is None
    statuses = [row["status"] for row in first.evidence_rows()]
    assert statuses == ["ACQUIRED", "RELEASED"]


def test_an_expired_lock_is_taken_over_with_an_expired_row(store):
    clock = [1_000_000.0]
    crashed = Holder("crashed-run", host="elsewhere", pid=1)  # not provably dead from this host
    locks.acquire(store, TARGET, crashed, ttl_minutes=10, now=lambda: clock[0])
    clock[0] += 5 * 60
    with pytest.raises(locks.LockHeld, match="crashed-run"):
        locks.acquire(store, TARGET, this_process("run-2"), ttl_minutes=10, now=lambda: clock[0])
    clock[0] += 6 * 60
    taken = locks.acquire(store, TARGET, this_process("run-2"), ttl_minutes=10, now=lambda: clock[0])
    expired = taken.evidence_rows()[0]
    assert (expired["run_id"], expired["status"], expired["released_by"]) == (
        "crashed-run",
        "EXPIRED",
        "run-2",
    )


def test_a_dead_local_holder_is_taken_over_at_once(store):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    holder = Holder(
        "killed-run", host=this_process("x").host, pid=sleeper.pid, pid_started=process_start(sleeper.pid)
    )
    locks.acquire(store, TARGET, holder, ttl_minutes=60)
    with pytest.raises(locks.LockHeld, match="killed-run"):
        locks.acquire(store, TARGET, this_process("run-2"), ttl_minutes=60)
    sleeper.send_signal(signal.SIGKILL)
    sleeper.wait()
    taken = locks.acquire(store, TARGET, this_process("run-3"), ttl_minutes=60)
    row = taken.evidence_rows()[0]
    assert (row["run_id"], row["status"], row["released_by"]) == ("killed-run", "TAKEN_OVER", "run-3")
    assert f"process {sleeper.pid}" in row["reason"] and "is gone" in row["reason"]


def test_a_reused_pid_is_not_taken_for_the_holder(store):
    me = this_process("old-run")
    reused = Holder("old-run", host=me.host, pid=me.pid, pid_started="1")  # our pid, another start time
    assert "another process" in store.holder_is_dead(reused)
    assert store.holder_is_dead(me) is None


def test_a_bounded_wait_gets_the_lock_when_the_holder_releases(store):
    holder = locks.acquire(store, TARGET, Holder("slow-run", host="elsewhere", pid=1), ttl_minutes=60)
    clock, sleeps = [0.0], []

    def sleep(seconds):
        sleeps.append(seconds)
        clock[0] += seconds
        if len(sleeps) == 3:
            holder.release()

    waited = locks.acquire(
        store, TARGET, this_process("patient"), wait_seconds=30, now=lambda: clock[0], sleep=sleep
    )
    assert waited.run_id == "patient" and len(sleeps) == 3
    clock[0], sleeps[:] = 0.0, []
    with pytest.raises(locks.LockHeld, match="waited 2 s"):
        locks.acquire(store, TARGET, this_process("late"), wait_seconds=2, now=lambda: clock[0], sleep=sleep)


def test_operator_release_records_who_and_why(store):
    locks.acquire(store, TARGET, this_process("stuck-run"), ttl_minutes=60)
    with pytest.raises(LookupError, match="held by run stuck-run"):
        locks.release_by_operator(store, TARGET, "other-run", "alice", "wrong run")
    row = locks.release_by_operator(store, TARGET, "stuck-run", "alice", "job hung on a network call")
    assert (row["status"], row["released_by"], row["reason"]) == (
        "RELEASED_BY_OPERATOR",
        "alice",
        "job hung on a network call",
    )
    assert store.get(TARGET) is None


def _race(path: str, run_id: str, start, done, results) -> None:
    start.wait()
    try:
        locks.acquire(SqliteLockStore(path), TARGET, this_process(run_id), ttl_minutes=5)
        results.put((run_id, "ACQUIRED"))
    except locks.LockHeld as held:
        results.put((run_id, f"REFUSED by {held.holder_run_id}"))
    done.wait(120)  # the winner stays alive (a dead holder would be taken over)


def test_processes_racing_for_one_target_get_exactly_one_winner(tmp_path):
    path = str(tmp_path / "locks.sqlite")
    SqliteLockStore(path)
    context = multiprocessing.get_context("fork")
    start, done, results = context.Event(), context.Event(), context.Queue()
    workers = [context.Process(target=_race, args=(path, f"run-{i}", start, done, results)) for i in range(5)]
    for worker in workers:
        worker.start()
    start.set()
    outcomes = dict(results.get(timeout=120) for _ in workers)
    done.set()
    for worker in workers:
        worker.join(timeout=60)
    winners = [run for run, outcome in outcomes.items() if outcome == "ACQUIRED"]
    assert len(winners) == 1
    assert all(
        outcome == f"REFUSED by {winners[0]}" for run, outcome in outcomes.items() if run != winners[0]
    )
