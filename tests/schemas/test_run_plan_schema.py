"""The run plan schema accepts the documented example and refuses the usual mistakes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "run-plan.v1.schema.json"

EXAMPLE = {
    "kind": "contractforge.aws.run_plan",
    "plan_version": 1,
    "framework_version": "0.1.0",
    "project": {"name": "s3_file_medallion", "environment": "aws"},
    "step": {"name": "bronze_s3_orders_files", "depends_on": [], "expected_result": "success"},
    "contract": {"path": "contracts/aws/bronze/x.ingestion.yaml", "sha256": "0" * 64},
    "target": {
        "catalog": "contractforge",
        "schema": "cf_s3_file_e2e_bronze",
        "table": "b_orders_files",
        "database": "contractforge_cf_s3_file_e2e_bronze",
        "identifier": "glue_catalog.contractforge_cf_s3_file_e2e_bronze.b_orders_files",
        "layer": "bronze",
        "warehouse": "s3://bucket/warehouse/s3-file-e2e/",
        "location": "s3://bucket/warehouse/s3-file-e2e/contractforge_cf_s3_file_e2e_bronze.db/",
        "partition_by": [],
        "table_properties": {"format-version": "2"},
    },
    "write": {
        "mode": "scd1_hash_diff",
        "merge_keys": ["order_id"],
        "hash_strategy": "explicit",
        "hash_keys": ["customer_id"],
        "hash_exclude_columns": [],
        "schema_policy": "additive_only",
    },
    "source": {
        "type": "incremental_files",
        "family": "incremental_files",
        "system": "s3_order_files",
        "name": None,
        "format": "csv",
        "path": "s3://bucket/data/orders/",
        "options": {"header": "true"},
        "read": {},
        "bookmarks": True,
    },
    "preparation": {"cast": {"order_id": "BIGINT"}, "derive": {"loaded": "CURRENT_TIMESTAMP()"}},
    "quality": {
        "on_quality_fail": "quarantine",
        "rules": [
            {
                "name": "order_id_not_null",
                "kind": "not_null",
                "columns": ["order_id"],
                "severity": "quarantine",
            },
            {"name": "min_rows", "kind": "min_rows", "value": 10, "severity": "abort"},
            {
                "name": "e",
                "kind": "expression",
                "expression": "amount >= 0",
                "severity": "warn",
                "message": None,
            },
        ],
    },
    "evidence": {"database": "cf_ops", "location": "s3://bucket/warehouse/s3-file-e2e/cf_ops.db/"},
    "run": {
        "idempotency_policy": "always_run",
        "idempotency_key": None,
        "lock_ttl_minutes": 60,
        "dry_run": False,
        "static_ids": {
            "parent_run_id": None,
            "run_group_id": None,
            "master_job_id": None,
            "master_run_id": None,
        },
    },
    "metadata": {"owner": "data-platform", "tags": []},
    "secrets": [],
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_documented_example_is_valid(validator):
    validator.validate(EXAMPLE)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: p.pop("write"),
        lambda p: p.update(plan_version=2),
        lambda p: p["write"].update(mode="hash_diff_upsert"),
        lambda p: p["write"].update(merge_keys=[]),
        lambda p: p["source"].update(format="text"),
        lambda p: p["source"].pop("bookmarks"),
        lambda p: p["quality"]["rules"].append({"name": "x", "kind": "min_rows", "severity": "abort"}),
        lambda p: p["preparation"].update(rename={}),
        lambda p: p["target"].update(identifier="db.table"),
        lambda p: p.update(unexpected=True),
        lambda p: p["source"].update(
            family="jdbc", url="jdbc:postgresql://h/db", options={}, read={}, table="t", query="select 1"
        ),
    ],
)
def test_mistakes_are_refused(validator, mutate):
    plan = copy.deepcopy(EXAMPLE)
    mutate(plan)
    assert list(validator.iter_errors(plan))
