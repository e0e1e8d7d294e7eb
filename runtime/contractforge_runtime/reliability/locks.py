"""Target locks: one writer per target; a refused run names the holder; dead holders are taken over.

The lock itself lives in a store made for mutual exclusion (``reliability/lock_store.py``): DynamoDB
conditional writes in Glue (the compiled root creates the table; the run plan names it in
``run.lock_table``), a SQLite file under the local state directory otherwise. ``acquire``:

1. write the lock when the target is free or its record's TTL passed (an EXPIRED history row);
2. else, when the holder is provably dead (its Glue job run ended, or its local process is gone),
   take the record over while it is still that holder's (a TAKEN_OVER history row);
3. else wait, polling, up to ``run.lock_wait_seconds`` (0 by default), then raise ``LockHeld``
   naming the holder's run id, where it runs (Glue job run or host/pid) and since when.

A run renews its lock (a heartbeat every third of the TTL, conditional on still holding it), so
the TTL bounds how long a *dead* holder blocks, not how long a live run may take.

History goes to ``ctrl_ingestion_locks`` with the run's final evidence (``history_batch``): no
evidence commit of its own. ``Lock.release()`` only deletes the store record (the RELEASED row is
in that batch, written just before).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from contractforge_runtime.evidence.schema import LOCKS
from contractforge_runtime.reliability.lock_store import Holder, LockRecord, LockStore, iso, this_process

ACQUIRED, RELEASED, REFUSED = "ACQUIRED", "RELEASED", "REFUSED"
EXPIRED, TAKEN_OVER, RELEASED_BY_OPERATOR = "EXPIRED", "TAKEN_OVER", "RELEASED_BY_OPERATOR"
POLL_SECONDS = 0.5
HEARTBEAT_PER_TTL = 3  # renewals per TTL period while the run lasts
LOCAL_LOCK_FILE = "locks.sqlite"
WAREHOUSE_CONF = "spark.sql.catalog.glue_catalog.warehouse"


class LockHeld(RuntimeError):
    """Another (live) run holds the target's lock."""

    def __init__(self, held: LockRecord, refused: Holder, waited_seconds: float = 0.0):
        waited = f"; waited {waited_seconds:.0f} s" if waited_seconds >= 1 else ""
        super().__init__(
            f"target {held.target} is locked by run {held.holder.run_id} ({held.holder.describe()}) "
            f"since {iso(held.acquired_at)}, until {iso(held.expires_at)} at the latest{waited}"
        )
        self.held, self.refused = held, refused
        self.target_table = held.target
        self.holder_run_id = held.holder.run_id
        self.expires_at = datetime.fromtimestamp(held.expires_at, tz=UTC)


class LockSetupError(RuntimeError):
    """No lock store can be chosen for this run."""


@dataclass
class Lock:
    store: LockStore
    record: LockRecord
    history: list[dict] = field(default_factory=list)  # EXPIRED / TAKEN_OVER rows of earlier holders
    released: bool = False
    lost: str | None = None  # set by the heartbeat when the record was no longer this run's
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def run_id(self) -> str:
        return self.record.holder.run_id

    def start_heartbeat(self, interval_seconds: float | None = None) -> None:
        """Renew the lock every ``interval_seconds`` (a third of the TTL by default) while the run
        lasts, so a run longer than the TTL keeps its lock; a dead run stops renewing and its lock
        expires. Renewal is conditional on this run still holding the record."""
        interval = interval_seconds or self.record.ttl_minutes * 60 / HEARTBEAT_PER_TTL
        thread = threading.Thread(target=self._beat, args=(interval,), name="cf-lock-heartbeat", daemon=True)
        thread.start()

    def renew(self, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        renewed = replace(self.record, expires_at=now + self.record.ttl_minutes * 60)
        if not self.store.replace(renewed, self.run_id):
            self.lost = f"the lock on {self.record.target} was no longer held by run {self.run_id}"
            return False
        self.record = renewed
        return True

    def _beat(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                if not self.renew():
                    return
            except Exception as error:  # noqa: BLE001 - retried at the next beat; the TTL still holds
                print(f"contractforge: lock renewal failed: {type(error).__name__}: {error}", file=sys.stderr)

    def release(self) -> None:
        self._stop.set()
        if not self.released:
            self.store.delete(self.record.target, self.record.holder.run_id)
            self.released = True

    def evidence_rows(self, now: float | None = None) -> list[dict]:
        """The history rows, ACQUIRED, and RELEASED as of ``now`` (the run's final evidence)."""
        now = time.time() if now is None else now
        return [*self.history, history_row(self.record, ACQUIRED), history_row(self.record, RELEASED, at=now)]

    def __enter__(self) -> Lock:
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


def acquire(
    store: LockStore,
    target_table: str,
    holder: Holder,
    ttl_minutes: int = 60,
    wait_seconds: float = 0,
    now: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> Lock:
    """Take the target's lock, or raise LockHeld naming the live holder."""
    if ttl_minutes <= 0:
        raise ValueError("lock_ttl_minutes must be positive")
    started = now()
    while True:
        at = now()
        record = LockRecord(target_table, holder, at, at + ttl_minutes * 60, ttl_minutes)
        written, other = store.put_if_free(record, at)
        if written:
            history = [] if other is None else [_ended(other, EXPIRED, at, holder, "TTL passed")]
            return Lock(store, record, history)
        assert other is not None
        dead = store.holder_is_dead(other.holder)
        if dead and store.replace(record, other.holder.run_id):
            return Lock(store, record, [_ended(other, TAKEN_OVER, at, holder, dead)])
        if dead:
            continue  # someone else changed the record first: look again
        waited = at - started
        if waited >= wait_seconds:
            raise LockHeld(other, holder, waited)
        sleep(min(POLL_SECONDS, wait_seconds - waited))


def acquire_for_run(spark, plan: dict, ctx, target_table: str) -> Lock:
    """The run's lock, from the store the run plan and the runtime select (``store_for_run``)."""
    settings = plan.get("run") or {}
    holder = this_process(ctx.run_id, ctx.job_name, ctx.job_run_id if ctx.is_glue else None)
    lock = acquire(
        store_for_run(spark, plan, ctx),
        target_table,
        holder,
        ttl_minutes=int(settings.get("lock_ttl_minutes") or 60),
        wait_seconds=float(settings.get("lock_wait_seconds") or 0),
    )
    lock.start_heartbeat()  # a run longer than the TTL keeps its lock; release() stops it
    return lock


def store_for_run(spark, plan: dict, ctx) -> LockStore:
    """DynamoDB (``run.lock_table``) in Glue, or wherever the run context carries a DynamoDB client
    (``ctx.extra["dynamodb"]``, e.g. a local run against moto); locally the SQLite file beside the
    catalog's warehouse."""
    client = ctx.extra.get("dynamodb")
    if ctx.is_glue or client is not None:
        from contractforge_runtime.reliability.lock_dynamodb import DynamoDbLockStore

        table = (plan.get("run") or {}).get("lock_table")
        if not table:
            raise LockSetupError("the run plan names no run.lock_table: recompile and redeploy the project")
        return DynamoDbLockStore(table, dynamodb=client, glue=ctx.extra.get("glue"))
    from contractforge_runtime.reliability.lock_sqlite import SqliteLockStore

    return SqliteLockStore(local_lock_path(spark.conf.get(WAREHOUSE_CONF, None)))


def local_lock_path(warehouse: str | None) -> Path:
    """``<state dir>/locks.sqlite`` where the state directory holds the local warehouse
    (``run --local`` uses ``<home>/warehouse``, so ``<home>/locks.sqlite``)."""
    if not warehouse:
        raise LockSetupError(f"no local warehouse ({WAREHOUSE_CONF}) to place the lock store beside")
    parsed = urlparse(warehouse)
    path = Path(unquote(parsed.path)) if parsed.scheme == "file" else Path(warehouse)
    return path.parent / LOCAL_LOCK_FILE


def history_batch(lock: Lock | None, error: BaseException | None = None) -> list[tuple[str, list[dict]]]:
    """The ``(ctrl_ingestion_locks, rows)`` entry of the run's final evidence batch, if any: the
    held lock's history, or the REFUSED row of a run the lock turned away."""
    if lock is not None:
        return [(LOCKS, lock.evidence_rows())]
    if isinstance(error, LockHeld):
        refused = {
            "target_table": error.target_table,
            "run_id": error.refused.run_id,
            "owner": error.refused.job_name,
            "holder": error.refused.describe(),
            "released_at_utc": _utc(time.time()),
            "status": REFUSED,
            "reason": str(error),
        }
        return [(LOCKS, [refused])]
    return []


def release_by_operator(store: LockStore, target_table: str, run_id: str, operator: str, reason: str) -> dict:
    """Delete the lock ``run_id`` holds on the target; returns its RELEASED_BY_OPERATOR history row.
    Raises LookupError when that run does not hold it (nothing is changed)."""
    record = store.get(target_table)
    if record is None or record.holder.run_id != run_id:
        holder = "nobody" if record is None else f"run {record.holder.run_id}"
        raise LookupError(f"run {run_id} does not hold the lock on {target_table} (held by {holder})")
    if not store.delete(target_table, run_id):
        raise LookupError(f"the lock on {target_table} changed hands while releasing it; look again")
    return history_row(record, RELEASED_BY_OPERATOR, at=time.time(), released_by=operator, reason=reason)


def _ended(record: LockRecord, status: str, at: float, by: Holder, reason: str) -> dict:
    return history_row(record, status, at=at, released_by=by.run_id, reason=reason)


def history_row(
    record: LockRecord,
    status: str,
    at: float | None = None,
    released_by: str | None = None,
    reason: str | None = None,
) -> dict:
    """One ``ctrl_ingestion_locks`` row about ``record``."""
    return {
        "target_table": record.target,
        "run_id": record.holder.run_id,
        "owner": record.holder.job_name,
        "holder": record.holder.describe(),
        "acquired_at_utc": _utc(record.acquired_at),
        "expires_at_utc": _utc(record.expires_at),
        "ttl_minutes": record.ttl_minutes,
        "released_at_utc": _utc(at) if at is not None and status != ACQUIRED else None,
        "status": status,
        "released_by": released_by,
        "reason": reason,
    }


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)
