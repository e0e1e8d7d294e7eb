"""The local lock store: one SQLite file under the local state directory (``<home>/locks.sqlite``).

Every change runs in a ``BEGIN IMMEDIATE`` transaction, which SQLite grants to one connection at a
time: check-and-write is atomic across processes, in about a millisecond. A holder is provably
dead when it ran on this host and its process is gone (``lock_store.local_process_gone``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from contractforge_runtime.reliability.lock_store import Holder, LockRecord, local_process_gone

COLUMNS = (
    "target",
    "run_id",
    "host",
    "pid",
    "pid_started",
    "job_name",
    "job_run_id",
    "acquired_at",
    "expires_at",
    "ttl_minutes",
)
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS locks (target TEXT PRIMARY KEY, run_id TEXT NOT NULL, host TEXT,"
    " pid INTEGER, pid_started TEXT, job_name TEXT, job_run_id TEXT, acquired_at REAL NOT NULL,"
    " expires_at REAL NOT NULL, ttl_minutes INTEGER NOT NULL)"
)
BUSY_TIMEOUT_SECONDS = 30.0


class SqliteLockStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.description = f"local lock store {self.path}"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection per store, kept open: closing the last connection of a WAL database
        # checkpoints it (an fsync, ~20 ms), opening costs little but adds up per operation.
        self._db = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        self._guard = threading.Lock()  # the connection is shared by the run's threads
        # WAL + synchronous=NORMAL: a commit appends to the log without an fsync. A lock that a power
        # cut forgets belonged to a process that the power cut ended too.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._transaction() as db:
            db.execute(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._guard:
            self._db.execute("BEGIN IMMEDIATE")  # one writer at a time, across processes
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def put_if_free(self, record: LockRecord, now: float) -> tuple[bool, LockRecord | None]:
        with self._transaction() as db:
            current = _select(db, record.target)
            if current is not None and not current.expired(now):
                return False, current
            _upsert(db, record)
            return True, current

    def replace(self, record: LockRecord, previous_run_id: str) -> bool:
        with self._transaction() as db:
            current = _select(db, record.target)
            if current is None or current.holder.run_id != previous_run_id:
                return False
            _upsert(db, record)
            return True

    def delete(self, target: str, run_id: str) -> bool:
        with self._transaction() as db:
            cursor = db.execute("DELETE FROM locks WHERE target = ? AND run_id = ?", (target, run_id))
            return cursor.rowcount == 1

    def get(self, target: str) -> LockRecord | None:
        with self._transaction() as db:
            return _select(db, target)

    def records(self) -> list[LockRecord]:
        with self._transaction() as db:
            rows = db.execute(f"SELECT {', '.join(COLUMNS)} FROM locks ORDER BY target").fetchall()
        return [_record(row) for row in rows]

    def holder_is_dead(self, holder: Holder) -> str | None:
        return local_process_gone(holder)


def _select(db: sqlite3.Connection, target: str) -> LockRecord | None:
    row = db.execute(f"SELECT {', '.join(COLUMNS)} FROM locks WHERE target = ?", (target,)).fetchone()
    return _record(row) if row else None


def _record(row: tuple) -> LockRecord:
    return LockRecord.from_item({k: v for k, v in zip(COLUMNS, row, strict=True) if v is not None})


def _upsert(db: sqlite3.Connection, record: LockRecord) -> None:
    item = record.item()
    values = [item.get(column) for column in COLUMNS]
    db.execute(
        f"INSERT OR REPLACE INTO locks ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        values,
    )
