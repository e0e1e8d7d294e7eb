"""OpenLineage RunEvents for ctrl_ingestion_lineage (pure; pyspark types only, no session)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from contractforge_runtime.evidence import lineage
from contractforge_runtime.plan_view import PlanView

T = pytest.importorskip("pyspark.sql.types")

PLAN = PlanView.of(
    {
        "project": {"name": "s3_file_medallion"},
        "step": {"name": "bronze_s3_orders_files"},
        "contract": {"sha256": "abc"},
        "target": {
            "identifier": "glue_catalog.contractforge_cf_s3_file_e2e_bronze.b_orders_files",
            "location": "s3://bucket/warehouse/s3-file-e2e/contractforge_cf_s3_file_e2e_bronze.db/",
        },
        "source": {"family": "incremental_files", "path": "s3://bucket/data/orders/", "name": "orders"},
        "write": {"mode": "scd1_hash_diff"},
    }
)
SCHEMA = T.StructType([T.StructField("order_id", T.LongType()), T.StructField("amount", T.DoubleType())])


def test_complete_event_has_the_openlineage_shape_and_schema_facets():
    at = datetime(2026, 6, 2, 10, 0, tzinfo=UTC)
    event = lineage.run_event(PLAN, "local:bronze:1", "COMPLETE", at, SCHEMA, SCHEMA)
    assert event["eventType"] == "COMPLETE" and event["eventTime"] == "2026-06-02T10:00:00Z"
    assert uuid.UUID(event["run"]["runId"]) == uuid.uuid5(lineage.RUN_ID_NAMESPACE, "local:bronze:1")
    assert event["run"]["facets"]["contractforge"]["run_id"] == "local:bronze:1"
    assert event["job"]["namespace"] == "s3_file_medallion"
    assert event["job"]["name"] == "bronze_s3_orders_files"
    assert [(d["namespace"], d["name"]) for d in event["inputs"]] == [("s3://bucket", "data/orders/")]
    output = event["outputs"][0]
    assert output["namespace"] == "s3://bucket"
    assert output["name"] == "warehouse/s3-file-e2e/contractforge_cf_s3_file_e2e_bronze.db/b_orders_files"
    assert output["facets"]["schema"]["fields"] == [
        {"name": "order_id", "type": "bigint"},
        {"name": "amount", "type": "double"},
    ]
    for key in ("producer", "schemaURL"):
        assert event[key].startswith("https://")


def test_fail_row_carries_the_redacted_error_and_sql_inputs():
    plan = PlanView.of(
        dict(PLAN.raw, source={"family": "sql", "inputs": ["glue_catalog.db.a", "glue_catalog.db.b"]})
    )
    ctx = SimpleNamespace(run_id="jr_1")
    measured = {
        "status": "FAILED",
        "finished_at": datetime(2026, 6, 2, tzinfo=UTC),
        "error_message": "pw=s3cret",
    }
    row = lineage.lineage_row(plan, ctx, measured, lambda text: text.replace("s3cret", "***"))
    assert row["event_type"] == "FAIL"
    assert row["event_json"]["run"]["facets"]["errorMessage"]["message"] == "pw=***"
    assert row["source_table"] == "glue_catalog/db.a,glue_catalog/db.b"
    assert row["namespace"] == "s3_file_medallion"


def test_jdbc_source_dataset_uses_host_and_table():
    source = {"family": "jdbc", "url": "jdbc:postgresql://db.example:5432/shop", "table": "public.orders"}
    assert lineage.source_datasets(PlanView.of({"target": {"identifier": "t"}, "source": source}).source) == [
        {"namespace": "postgresql://db.example:5432", "name": "shop.public.orders", "facets": {}}
    ]
