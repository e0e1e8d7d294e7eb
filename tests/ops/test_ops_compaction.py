"""maintenance compact: real Iceberg procedures locally, OPTIMIZE/VACUUM statements to Athena (moto)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from contractforge.cli.main import main
from contractforge.ops.compaction import compaction_statements, run_compaction
from contractforge.ops.sql_backends import SparkBackend

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "orders-medallion")
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_statements_per_dialect():
    assert compaction_statements("trino", "shop_ops", "ctrl_ingestion_locks", NOW) == [
        'OPTIMIZE "shop_ops".ctrl_ingestion_locks REWRITE DATA USING BIN_PACK',
        'VACUUM "shop_ops".ctrl_ingestion_locks',
    ]
    local = compaction_statements("spark", "shop_ops", "ctrl_ingestion_locks", NOW)
    assert "rewrite_data_files(table => 'shop_ops.ctrl_ingestion_locks'" in local[0]
    assert "older_than => TIMESTAMP '2026-11-17 12:00:00'" in local[1]


@pytest.mark.slow
def test_local_compaction_rewrites_small_files_and_keeps_rows(spark, tmp_path):
    from contractforge_runtime.evidence.store import EvidenceStore
    from contractforge_runtime.reliability import locks
    from contractforge_runtime.reliability.lock_sqlite import SqliteLockStore
    from contractforge_runtime.reliability.lock_store import this_process

    database = f"cf_compact_{uuid.uuid4().hex[:8]}"
    store = EvidenceStore(spark, database)
    lock_store = SqliteLockStore(tmp_path / "locks.sqlite")
    for index in range(4):  # 4 runs, each appending its lock history: 4 small files (2 rows each)
        with locks.acquire(lock_store, "glue_catalog.db.orders", this_process(f"run{index}")) as lock:
            store.append(locks.LOCKS, lock.evidence_rows())
    backend = SparkBackend(spark, database)

    dry = {r["table"]: r for r in run_compaction(backend)}
    assert dry["ctrl_ingestion_locks"]["action"] == "DRY_RUN"
    assert dry["ctrl_ingestion_locks"]["data_files_before"] == 4
    assert dry["ctrl_ingestion_runs"]["action"] == "MISSING"  # never written: not created either

    done = {r["table"]: r for r in run_compaction(backend, execute=True)}
    assert done["ctrl_ingestion_locks"]["action"] == "COMPACTED"
    assert done["ctrl_ingestion_locks"]["data_files_after"] == 1
    table = f"glue_catalog.{database}.ctrl_ingestion_locks"
    assert spark.sql(f"SELECT count(*) FROM {table}").first()[0] == 8
    assert lock_store.get("glue_catalog.db.orders") is None
    again = {r["table"]: r for r in run_compaction(backend, execute=True)}
    assert again["ctrl_ingestion_locks"]["action"] == "NOTHING_TO_DO"


@pytest.mark.aws
def test_athena_compaction_is_a_dry_run_unless_executed(moto, capsys):
    athena = boto3.client("athena", region_name=moto.region, endpoint_url=moto.endpoint_url)
    assert main(["maintenance", "compact", EXAMPLE, "--endpoint-url", moto.endpoint_url]) == 0
    assert "dry run" in capsys.readouterr().out
    assert not [q for q in moto.athena_queries(athena) if q.startswith(("OPTIMIZE", "VACUUM"))]

    argv = ["maintenance", "compact", EXAMPLE, "--execute", "--json", "--endpoint-url", moto.endpoint_url]
    assert main(argv) == 0
    tables = json.loads(capsys.readouterr().out)["tables"]
    assert {t["action"] for t in tables} == {"COMPACTED"}  # moto reports no file counts: compacted anyway
    sent = [q for q in moto.athena_queries(athena) if q.startswith(("OPTIMIZE", "VACUUM"))]
    assert len(sent) == 2 * len(tables)
    assert 'OPTIMIZE "shop_orders_ops".ctrl_ingestion_locks REWRITE DATA USING BIN_PACK' in sent
