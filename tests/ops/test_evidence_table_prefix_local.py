"""``evidence.table_prefix`` end to end on a local run: the runtime writes ``<prefix><suffix>`` evidence
tables (no ``ctrl_ingestion_*`` table appears), and the ops readers (the light local reader, the Spark
backend behind ``audit --local --spark`` and ``sql``) read them."""

from __future__ import annotations

import io
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from contractforge.api import plan_project
from contractforge.local.runner import run_project_locally
from contractforge.local.staging import put
from contractforge.ops import sql_catalog
from contractforge.ops.audit import run_audit
from contractforge.ops.evidence_reader import LocalEvidence
from contractforge.ops.local_evidence import local_backend
from contractforge.ops.project import target_tables
from contractforge_runtime.evidence.schema import EVIDENCE_TABLES

from tests.compiler.local.reference_helpers import reset_project
from tests.ops.orders_evidence import EXAMPLE, LANDING, catalog_db_of

pytestmark = pytest.mark.slow

PREFIX = "acme_ctrl_"


def test_a_local_run_writes_and_the_ops_readers_read_prefixed_evidence(spark, tmp_path: Path):
    project = tmp_path / "orders-medallion"
    shutil.copytree(EXAMPLE, project)
    env_file = project / "environments" / "aws.environment.yaml"
    env = yaml.safe_load(env_file.read_text())
    env.setdefault("evidence", {})["table_prefix"] = PREFIX
    env_file.write_text(yaml.safe_dump(env, sort_keys=False))
    reset_project(spark, project)
    s3_root = tmp_path / "s3"
    put(EXAMPLE / "data" / "orders" / "wave1", LANDING, s3_root)

    (outcome,) = run_project_locally(
        project, s3_root=s3_root, spark=spark, out=io.StringIO(), steps=["bronze_orders"]
    )

    assert outcome.status == "SUCCESS"
    plan = plan_project(project)
    database = plan.evidence_database
    tables = {row.tableName for row in spark.sql(f"SHOW TABLES IN glue_catalog.{database}").collect()}
    assert {"acme_ctrl_runs", "acme_ctrl_state", "acme_ctrl_lineage"} <= tables
    assert not [t for t in tables if t.startswith("ctrl_ingestion_")]
    now = datetime.now(UTC).replace(tzinfo=None)
    params = sql_catalog.query_params(
        now - timedelta(days=1), now + timedelta(minutes=5), target_tables(plan)
    )
    reader = LocalEvidence(catalog_db_of(spark), database, PREFIX)
    runs = reader.query(sql_catalog.query_text("recent_runs"), **params)
    expected = [(plan.step("bronze_orders").target_identifier, "SUCCESS")]
    assert [(r["target_table"], r["status"]) for r in runs] == expected
    backend = local_backend(spark, database, table_prefix=PREFIX)  # ensure: every table, prefixed
    tables = {row.tableName for row in spark.sql(f"SHOW TABLES IN glue_catalog.{database}").collect()}
    assert len([t for t in tables if t.startswith(PREFIX)]) == len(EVIDENCE_TABLES)
    assert not [t for t in tables if t.startswith("ctrl_ingestion_")]
    spark_runs = backend.query(sql_catalog.query_text("recent_runs"), **params)
    assert [(r["target_table"], r["status"]) for r in spark_runs] == expected
    report = run_audit(backend, plan)
    assert report.checks["failed_runs"] == []
    reset_project(spark, project)
