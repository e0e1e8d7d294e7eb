"""Handwritten run plans for runtime tests (validated against schemas/run-plan.v1.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "run-plan.v1.schema.json"
BUCKET = "s3://cf-test-bucket"


def run_plan(
    name: str,
    database: str,
    table: str,
    source: dict,
    write: dict,
    rules: list[dict] | None = None,
    preparation: dict | None = None,
    on_quality_fail: str = "fail",
    layer: str = "bronze",
    evidence_database: str | None = None,
) -> dict:
    plan = {
        "kind": "contractforge.aws.run_plan",
        "plan_version": 1,
        "framework_version": "0.1.0",
        "project": {"name": "runtime_tests", "environment": "aws"},
        "step": {"name": name, "depends_on": [], "expected_result": "success"},
        "contract": {"path": f"contracts/{name}.ingestion.yaml", "sha256": "0" * 64},
        "target": {
            "catalog": None,
            "schema": database,
            "table": table,
            "database": database,
            "identifier": f"glue_catalog.{database}.{table}",
            "layer": layer,
            "warehouse": f"{BUCKET}/warehouse/",
            "location": f"{BUCKET}/warehouse/{database}.db/",
            "partition_by": [],
            "table_properties": {"format-version": "2"},
        },
        "write": {
            "mode": "scd0_append",
            "merge_keys": [],
            "hash_strategy": "explicit",
            "hash_keys": [],
            "hash_exclude_columns": [],
            "schema_policy": "additive_only",
            **write,
        },
        "source": {"system": "tests", "name": None, **source},
        "preparation": preparation or {},
        "quality": {"on_quality_fail": on_quality_fail, "rules": rules or []},
        "evidence": {
            "database": evidence_database or f"{database}_ops",
            "location": f"{BUCKET}/warehouse/{evidence_database or database + '_ops'}.db/",
        },
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
        "metadata": {"description": "test", "owner": "tests", "tags": []},
        "secrets": [],
    }
    validate(plan)
    return plan


def validate(plan: dict) -> None:
    jsonschema = __import__("jsonschema")
    jsonschema.validate(plan, json.loads(SCHEMA.read_text()))
