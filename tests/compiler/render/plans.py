"""Hand-built ProjectPlans for renderer unit tests (no YAML, no planner)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contractforge.project_plan import SUPPORTED, GlueJobSettings, ProjectPlan, ScheduleSettings, StepPlan

LAKE = "s3://lake-bucket/warehouse/"
ARTIFACTS = "s3://artifact-bucket/cf/demo/"
EVIDENCE_DB = "demo_ops"


def file_source(path: str = "s3://landing-bucket/orders/", family: str = "files") -> dict[str, Any]:
    return {
        "type": family,
        "family": family,
        "format": "csv",
        "path": path,
        "options": {},
        "system": "s3",
        "name": None,
    }


def sql_source(*inputs: str) -> dict[str, Any]:
    query = "SELECT * FROM " + " JOIN ".join(inputs)
    return {
        "type": "sql",
        "family": "sql",
        "query": query,
        "inputs": list(inputs),
        "system": "s",
        "name": None,
    }


def jdbc_source() -> dict[str, Any]:
    return {
        "type": "jdbc",
        "family": "jdbc",
        "url": "jdbc:postgresql://db.internal:5432/billing",
        "table": "public.customers",
        "options": {"user": "{{ secret:billing_pg/user }}", "password": "{{ secret:billing_pg/password }}"},
        "read": {},
        "driver": "org.postgresql.Driver",
        "system": "billing",
        "name": None,
    }


def rest_source() -> dict[str, Any]:
    return {
        "type": "rest_api",
        "family": "rest_api",
        "request": {
            "url": "https://api.example.com/rates",
            "headers": {"X-Api-Key": "{{ secret:rates_api/key }}"},
        },
        "auth": {"type": "bearer", "token": "{{ secret:rates_oauth/token }}"},
        "pagination": {},
        "response": {},
        "system": "rates",
        "name": None,
    }


def run_plan(
    name: str,
    database: str,
    table: str,
    source: dict[str, Any],
    *,
    mode: str = "scd0_append",
    depends_on: tuple[str, ...] = (),
    expected_result: str = "success",
    rules: list[dict[str, Any]] | None = None,
    secrets: list[str] | None = None,
) -> dict[str, Any]:
    location = f"{LAKE}{database}.db/"
    return {
        "kind": "contractforge.aws.run_plan",
        "plan_version": 1,
        "framework_version": "0.1.0",
        "project": {"name": "demo", "environment": "aws"},
        "step": {"name": name, "depends_on": list(depends_on), "expected_result": expected_result},
        "contract": {"path": f"contracts/aws/{name}.ingestion.yaml", "sha256": "0" * 64},
        "target": {
            "catalog": "demo",
            "schema": database,
            "table": table,
            "database": database,
            "identifier": f"glue_catalog.{database}.{table}",
            "layer": "bronze",
            "warehouse": LAKE,
            "location": location,
            "partition_by": [],
            "table_properties": {"format-version": "2"},
        },
        "write": {
            "mode": mode,
            "merge_keys": ["id"] if mode != "scd0_append" else [],
            "hash_strategy": "explicit",
            "hash_keys": ["a", "b"] if mode == "scd1_hash_diff" else [],
            "hash_exclude_columns": [],
            "schema_policy": "additive_only",
        },
        "source": source,
        "preparation": {},
        "quality": {"on_quality_fail": "fail", "rules": rules or []},
        "evidence": {"database": EVIDENCE_DB, "location": f"{LAKE}{EVIDENCE_DB}.db/"},
        "run": {
            "idempotency_policy": "always_run",
            "idempotency_key": None,
            "lock_ttl_minutes": 60,
            "lock_table": "demo-locks",
        },
        "metadata": {},
        "secrets": secrets or [],
    }


def step(
    name: str,
    *,
    depends_on: tuple[str, ...] = (),
    source: dict[str, Any] | None = None,
    database: str = "demo_bronze",
    table: str | None = None,
    expected_result: str = "success",
    mode: str = "scd0_append",
    role_arn: str | None = None,
    connections: tuple[str, ...] = (),
    timeout_minutes: int = 60,
    rules: list[dict[str, Any]] | None = None,
    secrets: list[str] | None = None,
    sections: dict[str, Any] | None = None,
) -> StepPlan:
    """``sections``: run-plan keys to set (e.g. ``metadata``, ``metrics``, ``lake_formation``)."""
    table = table or name
    plan = run_plan(
        name,
        database,
        table,
        source or file_source(),
        mode=mode,
        depends_on=depends_on,
        expected_result=expected_result,
        rules=rules,
        secrets=secrets,
    )
    plan.update(sections or {})
    return StepPlan(
        name=name,
        layer="bronze",
        depends_on=depends_on,
        expected_result=expected_result,
        status=SUPPORTED,
        diagnostics=(),
        contract_path=f"contracts/aws/{name}.ingestion.yaml",
        target_identifier=f"glue_catalog.{database}.{table}",
        target_database=database,
        glue=GlueJobSettings(
            name=f"demo-{name}", role_arn=role_arn, connections=connections, timeout_minutes=timeout_minutes
        ),
        run_plan=plan,
    )


def project(*steps: StepPlan, schedule: ScheduleSettings | None = None, **overrides: Any) -> ProjectPlan:
    values: dict[str, Any] = {
        "name": "demo",
        "root": Path("demo"),
        "environment_key": "aws",
        "region": "us-east-1",
        "artifacts_uri": ARTIFACTS,
        "warehouse": LAKE,
        "evidence_database": EVIDENCE_DB,
        "steps": tuple(steps),
        "schedule": schedule,
        "state_machine_name": "demo",
        "tags": (("team", "data"),),
    }
    values.update(overrides)
    return ProjectPlan(**values)
