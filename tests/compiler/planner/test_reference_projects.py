"""Every reference project validates and plans unmodified, with upstream's statuses
(docs/planning.md)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from contractforge.api import plan_project

SCHEMA = json.loads((Path(__file__).resolve().parents[3] / "schemas" / "run-plan.v1.schema.json").read_text())
EXPRESSION = "AWS_EXPRESSION_QUALITY_SPARK_SQL"
HASH_DIFF = "AWS_HASH_DIFF_PERFORMANCE_UNVALIDATED"
INCREMENTAL = "AWS_INCREMENTAL_FILES_STRATEGY_REVIEW"

EXPECTED = {
    "s3-file-medallion": {
        "bronze_s3_orders_files": ("SUPPORTED_WITH_WARNINGS", {EXPRESSION, HASH_DIFF, INCREMENTAL}),
        "silver_s3_orders_daily": ("SUPPORTED_WITH_WARNINGS", {EXPRESSION}),
        "gold_s3_revenue_by_status": ("SUPPORTED", set()),
    },
    "aws-incremental-files": {
        "bronze_incremental_events": ("SUPPORTED_WITH_WARNINGS", {EXPRESSION, HASH_DIFF, INCREMENTAL}),
    },
    "aws-failure-paths": {
        "quality_abort_orders": ("SUPPORTED_WITH_WARNINGS", {EXPRESSION}),
        "missing_s3_source": ("SUPPORTED", set()),
    },
    "hash-diff-production": {
        "customers_hashdiff": ("SUPPORTED_WITH_WARNINGS", {EXPRESSION, HASH_DIFF, INCREMENTAL}),
    },
}
TARGETS = {
    "bronze_s3_orders_files": "glue_catalog.contractforge_cf_s3_file_e2e_bronze.b_orders_files",
    "silver_s3_orders_daily": "glue_catalog.contractforge_cf_s3_file_e2e_silver.s_orders_daily",
    "gold_s3_revenue_by_status": "glue_catalog.contractforge_cf_s3_file_e2e_gold.g_revenue_by_status",
    "bronze_incremental_events": "glue_catalog.contractforge_cf_incremental_files_bronze.b_events",
    "missing_s3_source": "glue_catalog.contractforge_cf_aws_failure_paths.b_missing_source_orders",
    "customers_hashdiff": "glue_catalog.contractforge_cf_hashdiff_prod_silver.s_customers_hashdiff",
}


@pytest.mark.parametrize("project", sorted(EXPECTED))
def test_reference_statuses(reference_projects, project):
    plan = plan_project(reference_projects / project)
    assert [s.name for s in plan.steps] == list(EXPECTED[project])
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for step in plan.steps:
        status, codes = EXPECTED[project][step.name]
        found = {d.code for d in step.diagnostics if d.severity != "info"}
        assert (step.status, found) == (status, codes), step.diagnostics
        assert step.runnable
        validator.validate(step.run_plan)
        if step.name in TARGETS:
            assert step.target_identifier == TARGETS[step.name]
        assert "contractforge_contractforge" not in step.glue.name
        assert plan.name in step.glue.name


def test_s3_file_medallion_plan_details(reference_projects):
    plan = plan_project(reference_projects / "s3-file-medallion")
    assert plan.evidence_database == "contractforge_cf_s3_file_e2e_ops"
    assert plan.warehouse == "s3://contractforge-aws-smoke-000000000000-us-east-1/warehouse/s3-file-e2e/"
    assert plan.state_machine_name == "s3_file_medallion" and plan.schedule is None
    bronze, silver, gold = plan.steps
    assert bronze.glue.job_bookmarks and bronze.run_plan["source"]["bookmarks"] is True
    assert bronze.glue.timeout_minutes == 30 and bronze.glue.glue_version == "5.0"
    assert bronze.run_plan["write"] == {
        "mode": "scd1_hash_diff",
        "merge_keys": ["order_id"],
        "hash_strategy": "explicit",
        "hash_keys": ["customer_id", "order_ts", "order_status", "amount", "updated_at"],
        "hash_exclude_columns": [],
        "schema_policy": "additive_only",
    }
    rules = {r["name"]: r["severity"] for r in bronze.run_plan["quality"]["rules"]}
    assert rules["order_id_not_null"] == "quarantine" and rules["unique_key"] == "abort"
    assert (
        rules["order_status_accepted_values"] == "quarantine" and rules["non_negative_amount"] == "quarantine"
    )
    assert bronze.run_plan["quality"]["on_quality_fail"] == "quarantine"
    assert (
        bronze.run_plan["metadata"]["owner"]
        == bronze.run_plan["metadata"]["operations"]["ownership"]["technical_owner"]
    )
    assert "{{" not in silver.run_plan["source"]["query"]
    assert silver.run_plan["source"]["inputs"] == [TARGETS["bronze_s3_orders_files"]]
    assert gold.run_plan["source"]["inputs"] == [TARGETS["silver_s3_orders_daily"]]
    assert silver.depends_on == ("bronze_s3_orders_files",) and not silver.glue.job_bookmarks


def test_failure_paths_expect_failure_and_no_bookmarks(reference_projects):
    plan = plan_project(reference_projects / "aws-failure-paths")
    assert {s.run_plan["step"]["expected_result"] for s in plan.steps} == {"failed"}
    assert all(not s.glue.job_bookmarks and s.glue.timeout_minutes == 15 for s in plan.steps)


def test_hash_diff_schedule(reference_projects):
    plan = plan_project(reference_projects / "hash-diff-production")
    assert plan.schedule.cron == "0 6 * * *" and plan.schedule.timezone == "UTC" and not plan.schedule.enabled
    assert plan.schedule.name == "hash-diff-production-benchmark-schedule"


def test_plans_are_deterministic(reference_projects):
    first = plan_project(reference_projects / "s3-file-medallion")
    second = plan_project(reference_projects / "s3-file-medallion")
    assert [json.dumps(s.run_plan, sort_keys=True) for s in first.steps] == [
        json.dumps(s.run_plan, sort_keys=True) for s in second.steps
    ]


def test_releasing_bundles_while_planning_gives_the_same_plan(reference_projects):
    from contractforge.loader import load_project
    from contractforge.planner import plan_loaded_project

    path = reference_projects / "s3-file-medallion"
    kept = load_project(path, "aws")
    handed_over = load_project(path, "aws")
    plan = plan_loaded_project(handed_over, release_bundles=True)
    assert plan == plan_loaded_project(kept)
    assert all(step.bundle is not None for step in kept.loaded_steps)
    assert all(step.bundle is None for step in handed_over.steps)
