"""Evidence column definitions (docs/evidence-and-reliability.md): counts, order anchors, types,
partitions."""

from __future__ import annotations

import subprocess
import sys

import pytest
from contractforge_runtime.evidence import schema

REFERENCE_COLUMN_COUNTS = {
    "ctrl_ingestion_runs": 80,
    "ctrl_ingestion_errors": 17,
    "ctrl_ingestion_quality": 10,
    "ctrl_ingestion_quarantine": 8,
    "ctrl_ingestion_schema_changes": 13,
    "ctrl_ingestion_lineage": 9,
    "ctrl_ingestion_explain": 7,
    "ctrl_ingestion_metadata": 8,
    "ctrl_ingestion_streams": 35,
    "ctrl_ingestion_annotations": 15,
    "ctrl_ingestion_access": 24,
    "ctrl_ingestion_operations": 16,
    "ctrl_ingestion_cost": 6,
    "ctrl_ingestion_deployment_versions": 36,
    "ctrl_ingestion_state": 17,  # + input_snapshots_json (no_upstream_change, docs/cost.md)
    "ctrl_ingestion_locks": 11,
    "ctrl_ingestion_files": 6,
}


def test_every_table_has_the_reference_columns_then_the_guide_names():
    for name, table in schema.EVIDENCE_TABLES.items():
        reference = REFERENCE_COLUMN_COUNTS[name]
        assert table.column_names[reference:] == schema.GUIDE_COLUMNS.get(name, ()), name
    assert set(schema.GUIDE_COLUMNS) <= set(schema.EVIDENCE_TABLES)


def test_partitions_and_not_null_follow_the_reference():
    partitions = {name: t.partition_by for name, t in schema.EVIDENCE_TABLES.items() if t.partition_by}
    assert partitions == {
        "ctrl_ingestion_runs": ("run_date",),
        "ctrl_ingestion_errors": ("error_date",),
        "ctrl_ingestion_deployment_versions": ("deployment_date",),
    }
    required = {
        name: [c.name for c in t.columns if not c.nullable] for name, t in schema.EVIDENCE_TABLES.items()
    }
    assert required["ctrl_ingestion_deployment_versions"] == [
        "deployment_id",
        "deployment_step_id",
        "deployment_hash",
    ]
    assert required["ctrl_ingestion_state"] == ["target_table"]
    assert required["ctrl_ingestion_locks"] == ["target_table"]
    assert required["ctrl_ingestion_runs"] == []


def test_column_order_and_types_of_the_runs_table():
    runs = schema.evidence_table("ctrl_ingestion_runs")
    assert runs.column_names[:3] == ("run_id", "run_ts_utc", "run_date")
    assert runs.column_names[REFERENCE_COLUMN_COUNTS["ctrl_ingestion_runs"] - 1] == "metrics_json"
    assert runs.column("rows_written").type == "BIGINT"
    assert runs.column("duration_seconds").type == "DOUBLE"
    assert runs.column("write_committed").type == "BOOLEAN"
    assert runs.column("ctrl_schema_version").type == "BIGINT"
    types = {c.type for t in schema.EVIDENCE_TABLES.values() for c in t.columns}
    assert types <= set(schema.EVIDENCE_TYPES)


def test_spark_ddl_keeps_not_null_and_partitions():
    ddl = schema.spark_create_table_ddl("ctrl_ingestion_runs", "cf_ops")
    assert ddl.startswith("CREATE TABLE IF NOT EXISTS glue_catalog.`cf_ops`.`ctrl_ingestion_runs` (")
    assert ddl.endswith(") USING iceberg PARTITIONED BY (`run_date`)")
    assert "LOCATION" not in ddl
    state = schema.spark_create_table_ddl("ctrl_ingestion_state", "cf_ops")
    assert "`target_table` STRING NOT NULL" in state
    assert "PARTITIONED BY" not in state


def test_athena_ddl_drops_not_null_and_sets_location():
    ddl = schema.athena_create_table_ddl(
        "ctrl_ingestion_deployment_versions", "cf_ops", "s3://b/wh/cf_ops.db"
    )
    assert ddl.startswith("CREATE TABLE IF NOT EXISTS cf_ops.ctrl_ingestion_deployment_versions (")
    assert "NOT NULL" not in ddl
    assert ddl.endswith(
        " PARTITIONED BY (deployment_date) LOCATION 's3://b/wh/cf_ops.db/ctrl_ingestion_deployment_versions/'"
        " TBLPROPERTIES ('table_type'='ICEBERG','format'='parquet')"
    )
    statements = schema.athena_ddl_statements("cf_ops", "s3://b/wh/cf_ops.db/")
    assert statements[0] == "CREATE DATABASE IF NOT EXISTS cf_ops"
    assert len(statements) == 1 + len(schema.EVIDENCE_TABLES)


def test_athena_ddl_quotes_reserved_keywords_only():
    ddl = schema.athena_create_table_ddl("ctrl_ingestion_streams", "cf_ops", "s3://b/wh/cf_ops.db/")
    assert "\n  `trigger` STRING," in ddl and "\n  checkpoint_location STRING," in ddl
    assert schema.athena_column("status") == "status"


def test_identifiers_are_checked():
    with pytest.raises(ValueError):
        schema.athena_create_table_ddl("ctrl_ingestion_runs", "bad-db", "s3://b/x/")
    with pytest.raises(ValueError):
        schema.evidence_table("ctrl_nope")


def test_the_module_imports_without_pyspark():
    code = (
        "import sys; sys.modules['pyspark'] = None\n"
        "from contractforge_runtime.evidence import schema\n"
        "print(len(schema.spark_ddl_script('cf_ops')) > 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
