"""Every reference project of the original loads unmodified."""

from __future__ import annotations

import pytest
from contractforge.api import load_contract, load_project

PROJECTS = ["aws-failure-paths", "aws-incremental-files", "hash-diff-production", "s3-file-medallion"]


@pytest.mark.parametrize("name", PROJECTS)
def test_reference_project_loads(reference_projects, name):
    project = load_project(reference_projects / name)
    assert project.steps and all(step.bundle is not None for step in project.steps)
    assert project.environment.adapter == "aws"
    assert project.environment.aws.iceberg.warehouse.startswith("s3://")
    assert not [w for w in project.warnings if w.severity in ("warning", "blocker")]
    for step in project.loaded_steps:
        assert step.contract.target.table and step.bundle.locate("target.table")[1]


def test_hash_diff_project_never_opens_other_adapters(reference_projects):
    # gcp/snowflake contracts and environments are not part of the fixture: loading must not need them
    project = load_project(reference_projects / "hash-diff-production", env="aws")
    step = project.step("customers_hashdiff")
    assert step.contract.mode == "scd1_hash_diff" and step.contract.merge_keys == ("customer_id",)
    assert project.project.schedule.cron == "0 6 * * *" and project.project.schedule.enabled is False


def test_medallion_refs_resolve_through_the_project(reference_projects):
    project = load_project(reference_projects / "s3-file-medallion")
    assert [(r.step, r.producer, r.identifier) for r in project.refs] == [
        (
            "silver_s3_orders_daily",
            "bronze_s3_orders_files",
            "glue_catalog.contractforge_cf_s3_file_e2e_bronze.b_orders_files",
        ),
        (
            "gold_s3_revenue_by_status",
            "silver_s3_orders_daily",
            "glue_catalog.contractforge_cf_s3_file_e2e_silver.s_orders_daily",
        ),
    ]
    bronze = project.step("bronze_s3_orders_files").bundle
    assert bronze.operations.ownership.technical_owner == "data-engineering"
    assert bronze.annotations.columns["order_id"].description == "Source order identifier."
    assert bronze.decisions == ()  # unique_key and not_null already declared


def test_failure_paths_expected_results(reference_projects):
    project = load_project(reference_projects / "aws-failure-paths")
    assert {s.expected_result for s in project.steps} == {"failed"}


def test_each_reference_contract_loads_alone(reference_projects):
    for path in sorted(reference_projects.glob("*/contracts/**/*.ingestion.yaml")):
        assert load_contract(path).contract.target.table
