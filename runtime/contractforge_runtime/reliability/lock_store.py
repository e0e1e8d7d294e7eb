"""The lock-store seam: who holds a target's lock, and the operations every store offers.

A store keeps at most one live record per target and changes it only atomically (SQLite locally:
``reliability/lock_sqlite.py``; DynamoDB conditional writes on AWS: ``reliability/lock_dynamodb.py``).
Both store the same flat item (:meth:`LockRecord.item`), so ``contractforge locks`` reads either.

- ``put_if_free(record, now)`` → ``(True, expired_record_or_None)`` when written (the target was free
  or its record's TTL had passed), else ``(False, live_record)``;
- ``replace(record, previous_run_id)`` → written only if the current record is still that run's
  (taking over a dead holder);
- ``delete(target, run_id)`` → removed only if the current record is that run's;
- ``get(target)`` / ``records()``;
- ``holder_is_dead(holder)`` → a reason text when the holder is provably gone, else None.
"""

from __future__ import annotations

import os
import socket
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Protocol


@dataclass(frozen=True)
class Holder:
    """The run holding a lock: its run id, and where it runs (a Glue job run or a local process)."""

    run_id: str
    host: str | None = None
    pid: int | None = None
    pid_started: str | None = None  # the process's start time (Linux), so a reused pid is not taken for it
    job_name: str | None = None
    job_run_id: str | None = None

    def describe(self) -> str:
        if self.job_run_id and self.job_name:
            return f"Glue job run {self.job_run_id} of job {self.job_name}"
        return f"pid {self.pid} on host {self.host}"


@dataclass(frozen=True)
class LockRecord:
    target: str
    holder: Holder
    acquired_at: float  # epoch seconds
    expires_at: float  # epoch seconds; also the DynamoDB TTL attribute
    ttl_minutes: int

    def expired(self, now: float) -> bool:
        return self.expires_at <= now

    def item(self) -> dict[str, object]:
        """Flat attributes (None dropped): the same shape in SQLite and DynamoDB."""
        values = {
            "target": self.target,
            **asdict(self.holder),
            "acquired_at": self.acquired_at,
            "expires_at": self.expires_at,
            "ttl_minutes": self.ttl_minutes,
        }
        return {k: v for k, v in values.items() if v is not None}

    @classmethod
    def from_item(cls, item: dict) -> LockRecord:
        holder = Holder(
            run_id=str(item["run_id"]),
            host=item.get("host"),
            pid=int(item["pid"]) if item.get("pid") is not None else None,
            pid_started=item.get("pid_started"),
            job_name=item.get("job_name"),
            job_run_id=item.get("job_run_id"),
        )
        return cls(
            target=str(item["target"]),
            holder=holder,
            acquired_at=float(item["acquired_at"]),
            expires_at=float(item["expires_at"]),
            ttl_minutes=int(item["ttl_minutes"]),
        )

    def since_text(self) -> str:
        return iso(self.acquired_at)


class LockStore(Protocol):
    description: str

    def put_if_free(self, record: LockRecord, now: float) -> tuple[bool, LockRecord | None]: ...

    def replace(self, record: LockRecord, previous_run_id: str) -> bool: ...

    def delete(self, target: str, run_id: str) -> bool: ...

    def get(self, target: str) -> LockRecord | None: ...

    def records(self) -> list[LockRecord]: ...

    def holder_is_dead(self, holder: Holder) -> str | None: ...


def this_process(run_id: str, job_name: str | None = None, job_run_id: str | None = None) -> Holder:
    pid = os.getpid()
    return Holder(
        run_id=run_id,
        host=socket.gethostname(),
        pid=pid,
        pid_started=process_start(pid),
        job_name=job_name,
        job_run_id=job_run_id,
    )


def process_start(pid: int) -> str | None:
    """Start time of a process in clock ticks since boot (``/proc/<pid>/stat`` field 22); None when
    there is no such process or no /proc (the pid check then stands alone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            text = stat.read()
    except OSError:
        return None
    return text.rsplit(")", 1)[-1].split()[19]


def local_process_gone(holder: Holder) -> str | None:
    """Why a holder on this host is provably dead (its pid is gone or now another process), else None."""
    if holder.host != socket.gethostname() or holder.pid is None:
        return None
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return f"process {holder.pid} on host {holder.host} is gone"
    except PermissionError:
        pass  # alive, another user's
    started = process_start(holder.pid)
    if holder.pid_started and started and started != holder.pid_started:
        return f"process {holder.pid} on host {holder.host} is gone (the pid now belongs to another process)"
    return None


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat(timespec="seconds")
