"""Engine errors on a real local Iceberg catalog: a busy catalog waits instead of failing, a lost
creation race is tolerated, and a failure is told by its root cause (with the file)."""

from __future__ import annotations

import glob
import sqlite3
import threading
import uuid

import pytest
from contractforge_runtime.environment.root_cause import already_exists, describe
from contractforge_runtime.evidence.store import EvidenceStore

pytestmark = pytest.mark.slow


def _catalog_db(spark) -> str:
    uri = spark.conf.get("spark.sql.catalog.glue_catalog.uri", "")
    if not uri.startswith("jdbc:sqlite:"):
        pytest.skip("the local catalog is not the SQLite JDBC catalog")
    return uri[len("jdbc:sqlite:") :]


def test_an_evidence_append_waits_for_a_busy_catalog(spark):
    store = EvidenceStore(spark, f"cf_busy_{uuid.uuid4().hex[:8]}")
    store.ensure(["ctrl_ingestion_errors"])
    holder = sqlite3.connect(_catalog_db(spark), timeout=30, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")  # another writer holds the catalog
    release = threading.Timer(1.5, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        store.append("ctrl_ingestion_errors", [{"run_id": "r1", "target_table": "t", "error_message": "x"}])
    finally:
        release.join()
        holder.close()
    assert spark.table(store.identifier("ctrl_ingestion_errors")).count() == 1


def test_a_lost_creation_race_is_tolerated(spark):
    database = f"cf_race_{uuid.uuid4().hex[:8]}"
    first, second = EvidenceStore(spark, database), EvidenceStore(spark, database)
    first.ensure(["ctrl_ingestion_runs"])
    second._namespace_ready = True
    second._ensure_table("ctrl_ingestion_runs", exists=False)  # believes it is missing, as a racing job would
    with pytest.raises(Exception) as raised:
        spark.sql(f"CREATE TABLE {first.identifier('ctrl_ingestion_runs')} (a STRING) USING iceberg")
    assert already_exists(raised.value)


def test_an_unreadable_metadata_file_is_named(spark):
    store = EvidenceStore(spark, f"cf_garbled_{uuid.uuid4().hex[:8]}")
    store.ensure(["ctrl_ingestion_errors"])
    store.append("ctrl_ingestion_errors", [{"run_id": "r1", "target_table": "t", "error_message": "x"}])
    warehouse = spark.conf.get("spark.sql.catalog.glue_catalog.warehouse").removeprefix("file:")
    metadata = sorted(
        glob.glob(f"{warehouse}/{store.database}*/ctrl_ingestion_errors/metadata/*.metadata.json")
    )
    with open(metadata[-1], "w") as handle:
        handle.write("{ not json")
    # The table read from its (now garbled) current metadata file: the same TableMetadataParser.read
    # failure (RuntimeIOException "Failed to read file" caused by the checksum/parse error) that a
    # catalog read raises, without the JDBC catalog's refresh retries (20, hard-coded in Iceberg:
    # ~87 s of back-off before the same exception).
    with pytest.raises(Exception) as raised:
        spark.read.format("iceberg").load(metadata[-1]).count()
    text = describe(raised.value)
    assert text.startswith("unreadable metadata file: "), text
    assert "metadata.json" in text and "\n" not in text


def test_a_plain_python_error_keeps_its_own_words():
    assert describe(ValueError("duplicate merge_keys order_id=7 (2 rows)")) == (
        "ValueError: duplicate merge_keys order_id=7 (2 rows)"
    )
