"""Best-effort target locks with a TTL, kept in ``ctrl_ingestion_locks`` (append-only).

Acquire = append an ACQUIRED row, then re-read the target's live locks (ACQUIRED, not released,
not expired) and hold it only if ours is the oldest (ties broken by run_id), so two writers that
append at the same moment agree on one winner. The loser appends REFUSED and gets ``LockHeld``.
Expired locks are taken over: an EXPIRED row is appended for each, so they never count again.
Glue's MaxConcurrentRuns and Iceberg's optimistic commits remain the hard guarantees; the lock
stops two different jobs (or a local run and a Glue run) writing the same target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from contractforge_runtime.evidence.schema import LOCKS

ACQUIRED, RELEASED, REFUSED, EXPIRED = "ACQUIRED", "RELEASED", "REFUSED", "EXPIRED"
_ENDED = (RELEASED, REFUSED, EXPIRED)


class LockHeld(RuntimeError):
    """Another run holds the target's lock."""

    def __init__(self, target_table: str, holder_run_id: str, holder_owner: str | None, expires_at):
        super().__init__(
            f"target {target_table} is locked by run {holder_run_id}"
            + (f" ({holder_owner})" if holder_owner else "")
            + f" until {_iso(expires_at)}"
        )
        self.target_table = target_table
        self.holder_run_id = holder_run_id
        self.expires_at = expires_at


@dataclass
class Lock:
    store: object  # EvidenceStore
    target_table: str
    run_id: str
    owner: str | None
    acquired_at: datetime
    expires_at: datetime
    ttl_minutes: int
    released: bool = False

    def release(self, now: datetime | None = None) -> None:
        if self.released:
            return
        _append(self.store, self, RELEASED, _now(now))
        self.released = True

    def __enter__(self) -> Lock:
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


def acquire(
    store,
    target_table: str,
    run_id: str,
    owner: str | None = None,
    ttl_minutes: int = 60,
    now: datetime | None = None,
) -> Lock:
    """Take the target's lock or raise LockHeld naming the holder."""
    if ttl_minutes <= 0:
        raise ValueError("lock_ttl_minutes must be positive")
    now = _now(now)
    lock = Lock(store, target_table, run_id, owner, now, now + timedelta(minutes=ttl_minutes), ttl_minutes)
    _append(store, lock, ACQUIRED, None)
    live, expired = _holders(store, target_table, now)
    for stale in expired:
        _append(store, _as_lock(store, target_table, stale), EXPIRED, now, owner=f"taken over by {run_id}")
    if not any(h["run_id"] == run_id for h in live):
        raise RuntimeError(f"lock row for {run_id} on {target_table} was not readable after append")
    holder = live[0]
    if holder["run_id"] != run_id:
        _append(store, lock, REFUSED, now)
        raise LockHeld(target_table, holder["run_id"], holder["owner"], holder["expires_at_utc"])
    return lock


def current_holder(store, target_table: str, now: datetime | None = None) -> dict | None:
    live, _ = _holders(store, target_table, _now(now))
    return live[0] if live else None


def _holders(store, target_table: str, now: datetime) -> tuple[list[dict], list[dict]]:
    """(live locks oldest first, expired-but-unreleased locks) for the target."""
    from pyspark.sql import functions as F

    rows = [
        r.asDict()
        for r in store.read(LOCKS)
        .filter(F.col("target_table") == target_table)
        .select("run_id", "owner", "status", "acquired_at_utc", "expires_at_utc", "ttl_minutes")
        .collect()
    ]
    ended = {r["run_id"] for r in rows if r["status"] in _ENDED}
    unreleased = [r for r in rows if r["status"] == ACQUIRED and r["run_id"] not in ended]
    live = [r for r in unreleased if _aware(r["expires_at_utc"]) > now]
    expired = [r for r in unreleased if _aware(r["expires_at_utc"]) <= now]
    live.sort(key=lambda r: (_aware(r["acquired_at_utc"]), r["run_id"]))
    return live, expired


def _as_lock(store, target_table: str, row: dict) -> Lock:
    return Lock(
        store,
        target_table,
        row["run_id"],
        row["owner"],
        _aware(row["acquired_at_utc"]),
        _aware(row["expires_at_utc"]),
        row["ttl_minutes"] or 0,
    )


def _append(store, lock: Lock, status: str, released_at, owner: str | None = None) -> None:
    store.append(
        LOCKS,
        [
            {
                "target_table": lock.target_table,
                "run_id": lock.run_id,
                "owner": owner if owner is not None else lock.owner,
                "acquired_at_utc": lock.acquired_at,
                "expires_at_utc": lock.expires_at,
                "ttl_minutes": lock.ttl_minutes,
                "released_at_utc": released_at,
                "status": status,
            }
        ],
    )


def _now(now: datetime | None) -> datetime:
    return _aware(now) if now is not None else datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    # Spark returns naive datetimes in the Python process's local zone for TIMESTAMP columns.
    return value.astimezone(UTC) if value.tzinfo is not None else value.astimezone().astimezone(UTC)


def _iso(value) -> str:
    return _aware(value).isoformat() if isinstance(value, datetime) else str(value)
