"""A busy local catalog: a target commit refused with SQLITE_BUSY is tried again, bounded, and lands once.

The catalog is a real Iceberg JDBC catalog on its own SQLite file (registered in the shared session
with a short busy timeout); another connection holds SQLite's write lock while the write commits,
as a concurrent step of a pack does for a moment.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest
from contractforge_runtime.environment.root_cause import retry_when_busy
from contractforge_runtime.write import writes

CATALOG = "cf_busy"


@pytest.fixture
def busy_catalog(spark, tmp_path):
    path = tmp_path / "busy_catalog.sqlite"
    prefix = f"spark.sql.catalog.{CATALOG}"
    settings = {
        prefix: "org.apache.iceberg.spark.SparkCatalog",
        f"{prefix}.type": "jdbc",
        f"{prefix}.uri": f"jdbc:sqlite:{path}",
        f"{prefix}.warehouse": (tmp_path / "warehouse").as_uri(),
        f"{prefix}.cache-enabled": "false",
        f"{prefix}.jdbc.journal_mode": "WAL",
        f"{prefix}.jdbc.busy_timeout": "200",
    }
    for key, value in settings.items():
        spark.conf.set(key, value)
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {CATALOG}.db")
    spark.sql(f"CREATE TABLE {CATALOG}.db.t (id BIGINT) USING iceberg TBLPROPERTIES ('format-version'='2')")
    yield path
    spark.sql(f"DROP TABLE IF EXISTS {CATALOG}.db.t PURGE")


def _hold_write_lock(path, seconds: float, held: threading.Event) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")  # SQLite's one write lock: every other commit is refused busy
    held.set()
    threading.Event().wait(seconds)
    db.execute("COMMIT")
    db.close()


@pytest.mark.slow
def test_a_busy_commit_is_retried_and_lands_once(spark, busy_catalog):
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(busy_catalog, 1.5, held))
    holder.start()
    held.wait(10)
    df = spark.range(3)
    try:
        result = writes.write(df, {"mode": writes.APPEND}, {"identifier": f"{CATALOG}.db.t"}, rows=3)
    finally:
        holder.join()
    assert result.committed and result.rows_written == 3
    assert sorted(r.id for r in spark.table(f"{CATALOG}.db.t").collect()) == [0, 1, 2]
    assert spark.sql(f"SELECT count(*) FROM {CATALOG}.db.t.snapshots").first()[0] == 1


def test_a_busy_error_is_not_retried_once_something_committed():
    calls = []

    def busy():
        calls.append(1)
        raise RuntimeError("org.sqlite.SQLiteException: [SQLITE_BUSY_SNAPSHOT] cannot commit")

    with pytest.raises(RuntimeError, match="SQLITE_BUSY_SNAPSHOT"):
        retry_when_busy(busy, delays=(0.0, 0.0), uncommitted=lambda: False)
    assert len(calls) == 1
    with pytest.raises(RuntimeError, match="SQLITE_BUSY_SNAPSHOT"):
        retry_when_busy(busy, delays=(0.0, 0.0), uncommitted=lambda: True)
    assert len(calls) == 4  # bounded: one try per delay, then the last one
