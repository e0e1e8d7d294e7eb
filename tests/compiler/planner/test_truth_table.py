"""Planner truth table: status and codes per construct; SUPPORTED* always means runnable
(docs/planning.md)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from contractforge.api import plan_project
from contractforge.project_plan import RUNNABLE_STATUSES

from tests.compiler.project_factory import csv_contract, write_project

SCHEMA = json.loads((Path(__file__).resolve().parents[3] / "schemas" / "run-plan.v1.schema.json").read_text())
KAFKA = {"type": "kafka_available_now", "bootstrap_servers": "b-1.msk:9092", "topic": "orders",
         "checkpoint_location": "s3://cf-test-lake/checkpoints/orders/"}  # fmt: skip
INCREMENTAL = {"type": "incremental_files", "path": "s3://cf-test-landing/x/", "format": "csv"}
HASH = {"mode": "hash_diff_upsert", "merge_keys": ["id"], "hash_keys": ["a"]}

CASES = {
    "csv append": ({}, "SUPPORTED", []),
    "s3 parquet": ({"source": {"type": "s3", "format": "parquet", "path": "s3://b/p/"}}, "SUPPORTED", []),
    "strict schema policy": ({"schema_policy": "strict"}, "SUPPORTED", []),
    "min rows and null ratio": (
        {"quality_rules": {"min_rows": 1, "max_null_ratio": {"a": 0.1}}},
        "SUPPORTED",
        [],
    ),
    "hash diff without merge keys": (
        {"mode": "hash_diff_upsert", "hash_keys": ["a"]},
        "UNSUPPORTED",
        ["AWS_HASH_DIFF_MERGE_KEYS_REQUIRED"],
    ),
    "hash diff without hash keys": (
        {"mode": "hash_diff_upsert", "merge_keys": ["id"]},
        "UNSUPPORTED",
        ["HASH_KEYS_REQUIRED", "AWS_HASH_DIFF_PERFORMANCE_UNVALIDATED"],
    ),
    "hash diff all columns": (
        {"mode": "hash_diff_upsert", "merge_keys": ["id"], "hash_strategy": "all_columns_except"},
        "SUPPORTED_WITH_WARNINGS",
        ["AWS_HASH_DIFF_PERFORMANCE_UNVALIDATED"],
    ),
    "upsert without merge keys": ({"mode": "upsert"}, "UNSUPPORTED", ["MERGE_KEYS_REQUIRED"]),
    "upsert": ({"mode": "upsert", "merge_keys": ["id"]}, "SUPPORTED", []),
    "snapshot without complete source": (
        {"mode": "snapshot_reconcile_soft_delete", "merge_keys": ["id"]},
        "UNSUPPORTED",
        ["SNAPSHOT_SOURCE_COMPLETE_REQUIRED"],
    ),
    "snapshot with complete source": (
        {"mode": "snapshot_reconcile_soft_delete", "merge_keys": ["id"],
         "source": {"type": "csv", "path": "s3://b/x/", "read": {"source_complete": True}}},
        "SUPPORTED",
        [],
    ),
    "upsert with scd2 field": (
        {"mode": "upsert", "merge_keys": ["id"], "scd2_sequence_by": "ts"},
        "UNSUPPORTED",
        ["SCD2_FIELDS_ON_NON_SCD2_MODE"],
    ),
    "historical reject without sequence": (
        {"mode": "historical", "merge_keys": ["id"], "scd2_late_arriving_policy": "reject"},
        "UNSUPPORTED",
        ["SCD2_SEQUENCE_BY_REQUIRED"],
    ),
    "historical": ({"mode": "historical", "merge_keys": ["id"]}, "SUPPORTED", []),
    "historical apply, sequence without effective-from": (
        {"mode": "historical", "merge_keys": ["id"], "scd2_sequence_by": "seq"},
        "UNSUPPORTED",
        ["SCD2_EFFECTIVE_FROM_REQUIRED"],
    ),
    "historical ignore, sequence without effective-from": (
        {"mode": "historical", "merge_keys": ["id"], "scd2_sequence_by": "seq", "scd2_late_arriving_policy": "ignore"},
        "SUPPORTED",
        [],
    ),
    "custom mode": ({"mode": "custom:scd3"}, "REVIEW_REQUIRED", ["AWS_CUSTOM_WRITE_MODE_NOT_IMPLEMENTED"]),
    "autoloader": ({"source": {"type": "autoloader", "path": "s3://b/x/"}}, "UNSUPPORTED",
                   ["AWS_SOURCE_AUTOLOADER_UNSUPPORTED"]),
    "kafka available-now append": (
        {"source": KAFKA},
        "SUPPORTED_WITH_WARNINGS",
        ["AWS_SOURCE_CONNECTOR_PACKAGE_REQUIRED", "AWS_STREAM_NOT_TESTABLE_LOCALLY"],
    ),
    "kafka available-now hash diff": (
        {"source": KAFKA, **HASH},
        "SUPPORTED_WITH_WARNINGS",
        ["AWS_HASH_DIFF_PERFORMANCE_UNVALIDATED", "AWS_SOURCE_CONNECTOR_PACKAGE_REQUIRED"],
    ),
    "kafka available-now overwrite": (
        {"source": KAFKA, "mode": "overwrite"},
        "UNSUPPORTED",
        ["AWS_STREAMING_OVERWRITE_UNSUPPORTED"],
    ),
    "kafka available-now historical": (
        {"source": KAFKA, "mode": "historical", "merge_keys": ["id"]},
        "UNSUPPORTED",
        ["AWS_STREAMING_HISTORY_MODE_UNSUPPORTED"],
    ),
    "kafka available-now without checkpoint": (
        {"source": {k: v for k, v in KAFKA.items() if k != "checkpoint_location"}},
        "UNSUPPORTED",
        ["AWS_AVAILABLE_NOW_CHECKPOINT_REQUIRED"],
    ),
    "kafka bounded": (
        {"source": {**KAFKA, "type": "kafka_bounded"}},
        "REVIEW_REQUIRED",
        ["AWS_BOUNDED_STREAM_NOT_IMPLEMENTED"],
    ),
    "kafka bounded run available-now": (
        {"source": {**KAFKA, "type": "kafka_bounded"}, "execution": {"preferred": "available_now"}},
        "SUPPORTED_WITH_WARNINGS",
        ["AWS_SOURCE_CONNECTOR_PACKAGE_REQUIRED"],
    ),
    "eventhubs available-now": (
        {"source": {"type": "eventhubs_available_now", "connection_string": "{{ secret:eh/conn }}",
                    "event_hub_name": "orders", "checkpoint_location": "s3://b/cp/"}},
        "SUPPORTED_WITH_WARNINGS",
        ["AWS_SOURCE_CONNECTOR_PACKAGE_REQUIRED"],
    ),
    "file stream available-now": (
        {"source": {"type": "csv", "path": "s3://b/in/", "intent": "file_stream", "trigger": "available_now",
                    "checkpoint_location": "s3://b/cp/"}},
        "SUPPORTED",
        [],
    ),
    "file stream bookmarks": (
        {"source": {"type": "csv", "path": "s3://b/in/", "intent": "file_stream"}},
        "SUPPORTED_WITH_WARNINGS",
        ["AWS_INCREMENTAL_FILES_STRATEGY_REVIEW"],
    ),
    "incremental csv": ({"source": INCREMENTAL}, "SUPPORTED_WITH_WARNINGS", ["AWS_INCREMENTAL_FILES_STRATEGY_REVIEW"]),
    "incremental parquet": (
        {"source": {**INCREMENTAL, "format": "parquet"}},
        "SUPPORTED_WITH_WARNINGS",
        ["AWS_INCREMENTAL_FILES_STRATEGY_REVIEW"],
    ),
    "incremental text": (
        {"source": {**INCREMENTAL, "format": "text"}},
        "REVIEW_REQUIRED",
        ["AWS_INCREMENTAL_FILES_FORMAT_UNSUPPORTED"],
    ),
    "incremental xml": (
        {"source": {**INCREMENTAL, "format": "xml"}},
        "REVIEW_REQUIRED",
        ["AWS_INCREMENTAL_FILES_FORMAT_UNSUPPORTED"],
    ),
    "delta files": ({"source": {"type": "delta", "path": "s3://b/d/"}}, "REVIEW_REQUIRED",
                    ["AWS_SOURCE_FORMAT_JAR_REQUIRED"]),
    "xml files": ({"source": {"type": "xml", "path": "s3://b/d/"}}, "REVIEW_REQUIRED", ["AWS_SOURCE_FORMAT_JAR_REQUIRED"]),
    "text files": ({"source": {"type": "text", "path": "s3://b/d/"}}, "SUPPORTED", []),
    "adls files": (
        {"source": {"type": "adls", "format": "csv", "path": "abfss://c@acct.dfs.core.windows.net/x/"}},
        "REVIEW_REQUIRED",
        ["AWS_SOURCE_NON_S3_OBJECT_STORAGE"],
    ),
    "custom transform source": (
        {"source": {"type": "custom_transform", "inputs": [{"alias": "a", "table": "glue_catalog.db.t"}]}},
        "REVIEW_REQUIRED",
        ["AWS_CUSTOM_TRANSFORM_SOURCE_NOT_IMPLEMENTED"],
    ),
    "native passthrough": ({"source": {"type": "native_passthrough", "system": "salesforce"}}, "REVIEW_REQUIRED",
                           ["AWS_NATIVE_PASSTHROUGH_REVIEW"]),
    "delta share": ({"source": {"type": "delta_share", "profile_file": "s3://b/p.share", "table": "s.t"}},
                    "REVIEW_REQUIRED", ["AWS_DELTA_SHARE_NOT_IMPLEMENTED"]),
    "delta table": ({"source": {"type": "delta_table", "table": "db.t"}}, "REVIEW_REQUIRED",
                    ["AWS_SOURCE_DELTA_TABLE_REVIEW"]),
    "iceberg table": ({"source": {"type": "iceberg_table", "table": "glue_catalog.db.t"}}, "SUPPORTED", []),
    "transform custom": (
        {"transform": {"custom": {"name": "enrich"}}},
        "REVIEW_REQUIRED",
        ["AWS_TRANSFORM_CUSTOM_NOT_IMPLEMENTED"],
    ),
    "quality custom": (
        {"quality_rules": {"custom": {"fresh": {"type": "freshness"}}}},
        "REVIEW_REQUIRED",
        ["AWS_QUALITY_CUSTOM_NOT_IMPLEMENTED"],
    ),
    "expression quality": (
        {"quality_rules": {"expressions": [{"name": "pos", "expression": "a > 0"}]}},
        "SUPPORTED_WITH_WARNINGS",
        ["AWS_EXPRESSION_QUALITY_SPARK_SQL"],
    ),
    "bronze explode without allowance": (
        {"shape": {"arrays": [{"path": "items", "mode": "explode"}]}},
        "UNSUPPORTED",
        ["AWS_BRONZE_EXPLODE_NOT_ALLOWED"],
    ),
    "bronze explode allowed": (
        {"shape": {"arrays": [{"path": "items", "mode": "explode"}], "allow_cardinality_change_on_bronze": True}},
        "SUPPORTED",
        [],
    ),
    "cartesian explode": (
        {"layer": "silver", "shape": {"arrays": [{"path": "a.x", "mode": "explode"}, {"path": "a.y", "mode": "explode"}]}},
        "UNSUPPORTED",
        ["AWS_CARTESIAN_EXPLODE_NOT_ALLOWED"],
    ),
    "row filter without a predicate": (
        {"access": {"row_filters": [{"name": "eu", "function": "f", "columns": ["region"]}]}},
        "REVIEW_REQUIRED",
        ["AWS_ROW_FILTER_PREDICATE_REQUIRED", "AWS_ACCESS_NOT_ENFORCED"],
    ),
    "row filter with a predicate": (
        {"access": {"row_filters": [{"name": "eu", "function": "f", "columns": ["region"],
                                     "predicate": "region = 'EU'"}]}},
        "SUPPORTED_WITH_WARNINGS",
        ["AWS_ACCESS_NOT_ENFORCED"],
    ),
    "column mask": (
        {"access": {"column_masks": {"email": {"function": "mask"}}}},
        "SUPPORTED_WITH_WARNINGS",
        ["AWS_COLUMN_MASK_AS_EXCLUSION", "AWS_ACCESS_NOT_ENFORCED"],
    ),
    "grants only": (
        {"access": {"grants": [{"principal": "arn:aws:iam::123456789012:role/r", "privileges": ["SELECT"]}]}},
        "SUPPORTED_WITH_WARNINGS",
        ["AWS_ACCESS_NOT_ENFORCED"],
    ),
    "unknown extension": ({"extensions": {"aws": {"glue_jobs": {}}}}, "SUPPORTED_WITH_WARNINGS",
                          ["AWS_UNKNOWN_EXTENSION"]),
    "unknown extension field": (
        {"extensions": {"aws": {"glue_job": {"workers": 3}}}},
        "SUPPORTED_WITH_WARNINGS",
        ["AWS_UNKNOWN_EXTENSION_FIELD"],
    ),
    "rest api": (
        {"source": {"type": "rest_api", "request": {"url": "https://api.example.com/v1/x"},
                    "pagination": {"type": "offset"}, "limits": {"max_pages": 5}}},
        "SUPPORTED",
        [],
    ),
    "http csv": ({"source": {"type": "http_csv", "url": "https://example.com/x.csv"}}, "SUPPORTED", []),
    "jdbc incremental": (
        {"source": {"type": "jdbc", "url": "jdbc:mysql://db:3306/app", "query": "select * from t",
                    "incremental": {"watermark_column": "updated_at", "initial_value": "2020-01-01"}}},
        "SUPPORTED",
        [],
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(SCHEMA)


@pytest.mark.parametrize("case", sorted(CASES))
def test_truth_table(case, tmp_path, validator):
    overrides, status, codes = CASES[case]
    root = write_project(tmp_path / "p", {"step": csv_contract(**overrides)})
    step = plan_project(root).step("step")
    found = [d.code for d in step.diagnostics if d.severity != "info"]
    assert step.status == status, (case, step.diagnostics)
    assert set(codes) <= set(found), (case, found)
    if codes == []:
        assert found == [], (case, found)
    assert step.runnable == (status in RUNNABLE_STATUSES)
    if step.runnable:
        validator.validate(step.run_plan)
    else:
        assert step.run_plan is None


def test_blocker_diagnostics_point_at_the_contract_file(tmp_path):
    root = write_project(tmp_path / "p", {"step": csv_contract(mode="upsert")})
    (diag,) = [d for d in plan_project(root).step("step").diagnostics if d.code == "MERGE_KEYS_REQUIRED"]
    lines = (root / "contracts/aws/step/step.ingestion.yaml").read_text().splitlines()
    assert diag.file.endswith("step.ingestion.yaml") and diag.field == "mode"
    assert lines[diag.line - 1].startswith("mode:")
    assert "upsert needs merge_keys" in diag.message


def test_late_apply_without_effective_from_points_at_the_sequence(tmp_path):
    contract = csv_contract(mode="historical", merge_keys=["id"], scd2_sequence_by="seq")
    root = write_project(tmp_path / "p", {"step": contract})
    diags = plan_project(root).step("step").diagnostics
    (diag,) = [d for d in diags if d.code == "SCD2_EFFECTIVE_FROM_REQUIRED"]
    lines = (root / "contracts/aws/step/step.ingestion.yaml").read_text().splitlines()
    assert diag.field == "scd2_sequence_by" and lines[diag.line - 1].startswith("scd2_sequence_by:")
    assert "declare scd2_effective_from_column" in diag.message and "ignore or reject" in diag.message


def test_dependency_on_unrunnable_step_is_noted(tmp_path):
    contracts = {"a": csv_contract(mode="upsert"), "b": csv_contract(target={"table": "b2"})}
    root = write_project(tmp_path / "p", contracts)
    text = (root / "project.yaml").read_text().replace("- name: b\n", "- name: b\n  depends_on: [a]\n")
    (root / "project.yaml").write_text(text)
    plan = plan_project(root)
    (note,) = [d for d in plan.step("b").diagnostics if d.code == "PROJECT_DEPENDENCY_NOT_RUNNABLE"]
    assert note.file.endswith("project.yaml") and note.line and note.severity == "info"
    assert plan.step("b").runnable and plan.has_blockers


def test_every_code_is_documented():
    from contractforge.planner.diagnostics import CODES

    doc = (Path(__file__).resolve().parents[3] / "docs" / "planning.md").read_text()
    assert [code for code in CODES if f"`{code}`" not in doc] == []


def test_recorded_only_features_are_disclosed(tmp_path):
    contract = csv_contract(
        execution={"window": {"column": "ts", "start": "2026-01-01", "end": "2026-02-01", "every": "1 day"}},
        operations={"alert_on_failure": True},
    )
    step = plan_project(write_project(tmp_path / "p", {"s": contract})).step("s")
    codes = {d.code: d.severity for d in step.diagnostics}
    assert codes == {"AWS_EXECUTION_WINDOW_NOT_IMPLEMENTED": "warning", "AWS_ALERTS_WIRED": "info"}
    assert step.status == "SUPPORTED_WITH_WARNINGS"


def test_ref_to_a_table_no_step_writes_resolves_by_convention_with_a_warning(tmp_path):
    silver = csv_contract(
        layer="silver",
        source={"type": "sql", "query": "SELECT * FROM {{ table_ref:bronze.b_customers }}"},
        target={"catalog": "cf", "schema": "test_silver", "table": "s_customers"},
    )
    plan = plan_project(write_project(tmp_path / "p", {"b": csv_contract(), "s": silver}))
    step = plan.step("s")
    assert step.status == "SUPPORTED_WITH_WARNINGS"
    assert [d.code for d in step.diagnostics] == ["AWS_TABLE_REF_RESOLVED_BY_CONVENTION"]
    assert step.run_plan["source"]["inputs"] == ["glue_catalog.cf_test_bronze.b_customers"]
    assert "TABLE_REF_UNRESOLVED" not in [d.code for d in plan.diagnostics]
