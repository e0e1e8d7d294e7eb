"""The local SQLite catalog file: created by us (not by Iceberg's start-up check, which leaves a cursor
open and pins a stale read snapshot), so several catalog instances on one file commit in turn."""

from __future__ import annotations

import sqlite3

import pytest
from contractforge.local.spark import local_spark_conf, prepare_sqlite_catalog


def test_catalog_tables_are_created_once_in_wal(tmp_path):
    path = tmp_path / "catalog.sqlite"
    prepare_sqlite_catalog(path)
    prepare_sqlite_catalog(path)  # idempotent: a second session on the same home
    db = sqlite3.connect(path)
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"iceberg_tables", "iceberg_namespace_properties"}
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_session_conf_skips_icebergs_own_table_check(tmp_path):
    conf = local_spark_conf(tmp_path / "wh", tmp_path / "catalog.sqlite", use_jdbc_catalog=True)
    assert conf["spark.sql.catalog.glue_catalog.jdbc.init-catalog-tables"] == "false"
    assert (tmp_path / "catalog.sqlite").is_file()


@pytest.mark.slow
def test_two_catalog_instances_on_one_file_commit_in_turn(spark):
    """A second session has its own catalog instance and connection pool on the same SQLite file (as a
    streaming foreachBatch or a second process does). Every commit of one moves the file on; the
    other's next commit must still land (it failed SQLITE_BUSY_SNAPSHOT every time before)."""
    table = "glue_catalog.cf_sqlite_turns.t"
    spark.sql("CREATE NAMESPACE IF NOT EXISTS glue_catalog.cf_sqlite_turns")
    spark.sql(f"DROP TABLE IF EXISTS {table}")
    spark.sql(f"CREATE TABLE {table} (id BIGINT) USING iceberg")
    other = spark.newSession()
    assert other.table(table).count() == 0  # the second instance starts on existing catalog tables
    for i in range(3):
        spark.sql(f"INSERT INTO {table} VALUES ({i})")
        other.sql(f"INSERT INTO {table} VALUES ({100 + i})")
    assert sorted(r.id for r in spark.table(table).collect()) == [0, 1, 2, 100, 101, 102]
    spark.sql(f"DROP TABLE {table}")
