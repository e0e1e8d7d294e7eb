"""The light local reader reads Iceberg tables from their metadata (iceberg_metadata, avro_container):
the live data files are the ones pyiceberg plans, columns are matched by field id (a renamed column
keeps its values, an added one is NULL in older files), timestamps come back as naive UTC, and a home
written before an evidence table was renamed still reads it."""

from __future__ import annotations

from datetime import datetime

import pytest
from contractforge.ops import iceberg_metadata
from contractforge.ops.evidence_reader import CATALOG_NAME, LocalEvidence
from contractforge_runtime.evidence.schema import evidence_table

from tests.ops.orders_evidence import catalog_db_of
from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow


@pytest.fixture
def database(spark):
    name = "cf_light_reader"
    drop_databases(spark, name)
    spark.sql(f"CREATE NAMESPACE glue_catalog.{name}")
    yield name
    drop_databases(spark, name)


def test_the_live_data_files_are_the_ones_pyiceberg_plans(spark, database):
    table = f"glue_catalog.{database}.ctrl_ingestion_locks"
    spark.sql(
        f"CREATE TABLE {table} (target_table STRING, run_id STRING, acquired_at_utc TIMESTAMP) USING iceberg "
        "TBLPROPERTIES ('format-version'='2')"
    )
    for run in ("r1", "r2", "r3"):
        spark.sql(f"INSERT INTO {table} VALUES ('t', '{run}', TIMESTAMP '2026-01-02 03:04:05')")
    spark.sql(f"DELETE FROM {table} WHERE run_id = 'r2'")  # copy-on-write: r2's file is dropped
    from pyiceberg.catalog.sql import SqlCatalog

    catalog_db = catalog_db_of(spark)
    catalog = SqlCatalog(CATALOG_NAME, uri=f"sqlite:///{catalog_db}", init_catalog_tables="false")
    planned = catalog.load_table((database, "ctrl_ingestion_locks")).scan().plan_files()
    reader = LocalEvidence(catalog_db, database)

    found = iceberg_metadata.table_files(reader.table_metadata(database, "ctrl_ingestion_locks"))

    expected = sorted(iceberg_metadata.local_path(task.file.file_path) for task in planned)
    assert sorted(found.data_files) == expected and len(expected) == 2
    rows = reader.run(
        f'SELECT run_id, acquired_at_utc, status FROM "{database}".ctrl_ingestion_locks ORDER BY run_id'
    )
    at = datetime(2026, 1, 2, 3, 4, 5)  # the session time zone is UTC: naive UTC, as Spark shows it
    assert rows == [
        {"run_id": "r1", "acquired_at_utc": at, "status": None},
        {"run_id": "r3", "acquired_at_utc": at, "status": None},
    ]


def test_columns_are_matched_by_field_id(spark, database):
    table = f"glue_catalog.{database}.ctrl_ingestion_locks"
    spark.sql(f"CREATE TABLE {table} (target_table STRING, run_id STRING, state STRING) USING iceberg")
    spark.sql(f"INSERT INTO {table} VALUES ('t', 'r1', 'ACQUIRED')")
    spark.sql(f"ALTER TABLE {table} RENAME COLUMN state TO status")
    spark.sql(f"ALTER TABLE {table} ADD COLUMN owner STRING")
    spark.sql(f"INSERT INTO {table} VALUES ('t', 'r2', 'RELEASED', 'job-b')")

    rows = LocalEvidence(catalog_db_of(spark), database).run(
        f'SELECT run_id, status, owner FROM "{database}".ctrl_ingestion_locks ORDER BY run_id'
    )

    assert rows == [
        {"run_id": "r1", "status": "ACQUIRED", "owner": None},
        {"run_id": "r2", "status": "RELEASED", "owner": "job-b"},
    ]


def test_a_home_written_before_the_deployment_versions_rename_reads_the_former_table(spark, database):
    spark.sql(
        f"CREATE TABLE glue_catalog.{database}.ctrl_deployment_versions "
        "(deployment_id STRING, contract_name STRING) USING iceberg"
    )
    spark.sql(f"INSERT INTO glue_catalog.{database}.ctrl_deployment_versions VALUES ('d-1', 'orders')")

    rows = LocalEvidence(catalog_db_of(spark), database).run(
        f'SELECT deployment_id, contract_name, deployment_hash FROM "{database}".ctrl_ingestion_deployment_versions'
    )

    assert rows == [{"deployment_id": "d-1", "contract_name": "orders", "deployment_hash": None}]


def test_a_missing_table_reads_as_empty_with_every_evidence_column(spark, database):
    reader = LocalEvidence(catalog_db_of(spark), database)

    assert reader.run(f'SELECT * FROM "{database}".ctrl_ingestion_annotations') == []
    columns = reader.run(f'DESCRIBE "{database}".ctrl_ingestion_annotations')
    assert (
        tuple(c["column_name"] for c in columns) == evidence_table("ctrl_ingestion_annotations").column_names
    )
