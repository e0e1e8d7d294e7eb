"""Run plans of our own examples: fully resolved, schema-valid, secrets kept as placeholders."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from contractforge.api import plan_project
from contractforge.models.order_by import parse_order_by

from tests.compiler.project_factory import csv_contract, write_project

REPO = Path(__file__).resolve().parents[3]
SCHEMA = json.loads((REPO / "schemas" / "run-plan.v1.schema.json").read_text())


@pytest.mark.parametrize("example", ["orders-medallion", "api-and-postgres"])
def test_examples_plan_runnable_and_schema_valid(example):
    plan = plan_project(REPO / "examples" / example)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    assert not plan.has_blockers
    for step in plan.steps:
        validator.validate(step.run_plan)
        text = json.dumps(step.run_plan)
        assert "table_ref" not in text and str(REPO) not in text


def test_jdbc_and_rest_sources_are_resolved():
    plan = plan_project(REPO / "examples" / "api-and-postgres")
    customers = plan.step("bronze_customers").run_plan
    assert customers["source"]["family"] == "jdbc" and customers["source"]["table"] == "public.customers"
    assert customers["source"]["options"] == {}
    assert customers["source"]["auth"] == {
        "type": "basic", "username": "{{ secret:pg/user }}", "password": "{{ secret:pg/password }}",
    }  # fmt: skip
    assert customers["source"]["read"] == {
        "partition_column": "customer_id", "lower_bound": 1, "upper_bound": 1000, "num_partitions": 4, "fetchsize": 1000,
    }  # fmt: skip
    assert customers["source"]["driver"] == "org.postgresql.Driver"
    assert customers["secrets"] == ["pg/password", "pg/user"]
    assert customers["write"]["mode"] == "scd1_upsert"
    rates = plan.step("bronze_fx_rates").run_plan["source"]
    assert rates["pagination"]["type"] == "page" and rates["pagination"]["max_pages"] == 10
    assert rates["request"]["method"] == "GET" and rates["response"]["records_path"] == "data"
    silver = plan.step("silver_customer_balances_eur").run_plan["source"]
    assert silver["inputs"] == [
        "glue_catalog.billing_core_bronze.b_fx_rates",
        "glue_catalog.billing_core_bronze.b_customers",
    ]
    assert plan.step("bronze_customers").glue.connections == ("billing-vpc",)
    assert plan.step("bronze_customers").glue.extra_jars[0].endswith("postgresql-42.7.3.jar")


def test_orders_medallion_settings():
    plan = plan_project(REPO / "examples" / "orders-medallion")
    assert (
        plan.schedule.cron == "30 5 * * *"
        and plan.schedule.timezone == "Europe/Lisbon"
        and plan.schedule.enabled
    )
    assert plan.evidence_database == "shop_orders_ops"
    bronze = plan.step("bronze_orders").run_plan
    assert bronze["evidence"] == {"database": "shop_orders_ops",
                                  "location": "s3://orders-medallion-lake-us-east-1/warehouse/shop_orders_ops.db/"}  # fmt: skip
    assert (
        bronze["target"]["location"]
        == "s3://orders-medallion-lake-us-east-1/warehouse/shop_orders_bronze.db/"
    )
    assert bronze["preparation"]["standardize"]["order_status"] == {
        "trim": True, "lower": True, "upper": False, "normalize_whitespace": False, "empty_as_null": True,
    }  # fmt: skip
    silver = plan.step("silver_orders")
    # identity inference of the loader: merge keys → unique_key + not_null
    kinds = [(r["kind"], r["columns"]) for r in silver.run_plan["quality"]["rules"]]
    assert ("unique_key", ["order_id"]) in kinds


def test_defaults_of_glue_settings_and_evidence_fallback(tmp_path):
    environment = {"name": "t", "adapter": "aws", "artifacts": {"uri": "s3://a/p"},
                   "parameters": {"aws": {"iceberg": {"warehouse": "s3://w/h"}}}}  # fmt: skip
    root = write_project(tmp_path / "p", {"s": csv_contract()}, environment=environment)
    plan = plan_project(root)
    glue = plan.step("s").glue
    assert (glue.glue_version, glue.worker_type, glue.number_of_workers, glue.timeout_minutes, glue.max_retries) == (
        "5.0", "G.1X", 2, 60, 0,
    )  # fmt: skip
    assert not glue.job_bookmarks
    assert (
        plan.evidence_database == "cf_test_bronze_ops"
        and plan.artifacts_uri == "s3://a/p/"
        and plan.warehouse == "s3://w/h/"
    )
    # `name` is a label only (info), the region defaults (info)
    assert [d.code for d in plan.diagnostics] == ["AWS_ENVIRONMENT_KEY_NOT_USED", "PROJECT_REGION_DEFAULTED"]


def test_contract_extension_overrides_environment(tmp_path):
    contract = csv_contract(extensions={"aws": {"glue_job": {"number_of_workers": 5, "name": "custom-job"},
                                                "iceberg": {"warehouse": "s3://other/wh/", "partition_by": ["day"],
                                                            "table_properties": {"write.format.default": "parquet"}}}})  # fmt: skip
    plan = plan_project(write_project(tmp_path / "p", {"s": contract}))
    step = plan.step("s")
    assert step.glue.number_of_workers == 5 and step.glue.name == "custom-job"
    target = step.run_plan["target"]
    assert target["warehouse"] == "s3://other/wh/" and target["partition_by"] == ["day"]
    assert target["table_properties"]["write.format.default"] == "parquet"


def test_incremental_bookmarks_can_be_disabled(tmp_path):
    from tests.compiler.project_factory import ENVIRONMENT

    environment = json.loads(json.dumps(ENVIRONMENT))
    environment["parameters"]["aws"]["job_bookmarks"] = {"enabled": False}
    contract = csv_contract(source={"type": "incremental_files", "path": "s3://b/x/", "format": "json"})
    step = plan_project(write_project(tmp_path / "p", {"s": contract}, environment=environment)).step("s")
    assert not step.glue.job_bookmarks and step.run_plan["source"]["bookmarks"] is False
    assert "AWS_INCREMENTAL_FILES_BOOKMARKS_DISABLED" in [d.code for d in step.diagnostics]


def test_parse_order_by():
    assert parse_order_by("updated_at desc nulls last, id") == [
        {"column": "updated_at", "direction": "desc", "nulls": "last"},
        {"column": "id", "direction": "desc", "nulls": None},
    ]


def test_schema_refs_are_inlined(tmp_path):
    contract = csv_contract(
        layer="silver",
        schemas={"payload": "STRUCT<id: BIGINT, items: ARRAY<STRING>>"},
        shape={"parse_json": [{"column": "raw", "alias": "payload", "schema_ref": "payload"}]},
    )
    step = plan_project(write_project(tmp_path / "p", {"s": contract})).step("s")
    (item,) = step.run_plan["preparation"]["shape"]["parse_json"]
    assert item["schema"] == "STRUCT<id: BIGINT, items: ARRAY<STRING>>" and "schema_ref" not in item


def test_spark_conf_reaches_glue_settings(tmp_path):
    contract = csv_contract(
        extensions={"aws": {"glue_job": {"spark_conf": {"spark.sql.shuffle.partitions": 8}}}}
    )
    step = plan_project(write_project(tmp_path / "p", {"s": contract})).step("s")
    assert step.glue.spark_conf == (("spark.sql.shuffle.partitions", "8"),)


def test_evidence_database_fallback_is_shared(tmp_path):
    environment = {"name": "t", "adapter": "aws", "artifacts": {"uri": "s3://a/p/"},
                   "parameters": {"aws": {"iceberg": {"warehouse": "s3://w/h/"}}}}  # fmt: skip
    contracts = {
        "b": csv_contract(),
        "s": csv_contract(layer="silver", target={"catalog": "cf", "schema": "x_silver", "table": "s"}),
    }
    plan = plan_project(write_project(tmp_path / "p", contracts, environment=environment))
    assert plan.evidence_database == "cf_test_bronze_ops"
    assert {s.run_plan["evidence"]["database"] for s in plan.steps} == {"cf_test_bronze_ops"}


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("orders", "glue_catalog.cf_test_bronze.orders"),
        ("sales.orders", "glue_catalog.sales.orders"),
        ("acme.sales_bronze.orders", "glue_catalog.acme_sales_bronze.orders"),
        ("glue_catalog.db.orders", "glue_catalog.db.orders"),
        ("spark_catalog.db.orders", "spark_catalog.db.orders"),
    ],
)
def test_catalog_tables_are_qualified(table, expected):
    from contractforge.source_families.catalog import qualify_table

    assert qualify_table(table, "cf_test_bronze") == expected


def test_string_source_reads_a_qualified_table(tmp_path):
    step = plan_project(write_project(tmp_path / "p", {"s": csv_contract(source="raw_orders")})).step("s")
    assert step.run_plan["source"]["family"] == "catalog"
    assert step.run_plan["source"]["table"] == "glue_catalog.cf_test_bronze.raw_orders"


def test_iceberg_table_by_location(
    tmp_path,
):
    contract = csv_contract(source={"type": "iceberg_table", "path": "s3://lake/wh/db.db/orders/"})
    source = plan_project(write_project(tmp_path / "p", {"s": contract})).step("s").run_plan["source"]
    assert source["path"] == "s3://lake/wh/db.db/orders/" and "table" not in source
