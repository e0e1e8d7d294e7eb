"""DQDL mapping (docs/compile.md), target/evidence DDL and the hash-diff performance profile."""

from __future__ import annotations

import pytest
from contractforge.project_plan import GlueJobSettings
from contractforge.render import ddl, dqdl, performance

from tests.compiler.render.plans import file_source, run_plan


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"kind": "required_columns", "columns": ["a", "b"]}, ['ColumnExists "a"', 'ColumnExists "b"']),
        ({"kind": "not_null", "columns": ["id"]}, ['IsComplete "id"']),
        ({"kind": "unique_key", "columns": ["id"]}, ['IsUnique "id"']),
        ({"kind": "unique_key", "columns": ["a", "b"]}, ['IsPrimaryKey "a" "b"']),
        ({"kind": "min_rows", "value": 10}, ["RowCount >= 10"]),
        (
            {"kind": "accepted_values", "columns": ["s"], "values": ["x", 'q"t', 2, 1.5, False, None]},
            ['ColumnValues "s" in [ "x", "q\\"t", 2, 1.5, false ]'],
        ),
        ({"kind": "max_null_ratio", "columns": ["c"], "value": 0.1}, ['Completeness "c" >= 0.9']),
        ({"kind": "max_null_ratio", "columns": ["c"], "value": 1 / 3}, ['Completeness "c" >= 0.666667']),
        ({"kind": "expression", "expression": "a > 0"}, []),
    ],
)
def test_dqdl_mapping(rule: dict, expected: list[str]) -> None:
    assert dqdl.dqdl_rules(rule) == expected


def test_dqdl_ruleset_only_when_something_maps() -> None:
    plan = run_plan("x", "db", "t", file_source(), rules=[{"kind": "expression", "expression": "a > 0"}])
    assert dqdl.render_dqdl(plan) is None
    plan["quality"]["rules"].append({"kind": "not_null", "columns": ["a"]})
    assert dqdl.render_dqdl(plan) == 'Rules = [\n    IsComplete "a"\n]\n'


def test_target_ddl_both_dialects() -> None:
    plan = run_plan("orders", "demo_bronze", "orders", file_source())
    plan["target"]["partition_by"] = ["dt"]
    spark = ddl.target_spark_ddl(plan)
    assert (
        "CREATE NAMESPACE IF NOT EXISTS glue_catalog.`demo_bronze` LOCATION 's3://lake-bucket/warehouse/"
        in spark
    )
    assert "-- CREATE TABLE IF NOT EXISTS glue_catalog.`demo_bronze`.`orders`" in spark  # columns unknown
    assert "PARTITIONED BY (`dt`)" in spark and "'format-version'='2'" in spark
    plan["target"]["columns"] = [{"name": "id", "type": "BIGINT"}, {"name": "dt", "type": "DATE"}]
    athena = ddl.target_athena_ddl(plan)
    assert "CREATE DATABASE IF NOT EXISTS demo_bronze LOCATION" in athena
    assert (
        "\nCREATE TABLE IF NOT EXISTS demo_bronze.orders (id BIGINT, dt DATE) PARTITIONED BY (dt)" in athena
    )
    assert "LOCATION 's3://lake-bucket/warehouse/demo_bronze.db/orders/'" in athena
    assert "'table_type'='ICEBERG'" in athena


def test_evidence_ddl_comes_from_the_runtime_schema() -> None:
    from contractforge_runtime.evidence.schema import EVIDENCE_TABLES

    spark = ddl.evidence_spark_ddl("demo_ops")
    athena = ddl.evidence_athena_ddl("demo_ops", "s3://lake/warehouse/demo_ops.db/")
    for table in EVIDENCE_TABLES:
        assert f"glue_catalog.`demo_ops`.`{table}`" in spark
        assert f"CREATE TABLE IF NOT EXISTS demo_ops.{table} (" in athena
    assert "LOCATION 's3://lake/warehouse/demo_ops.db/ctrl_ingestion_runs/'" in athena


def test_performance_profile_only_for_hash_diff() -> None:
    append = run_plan("a", "db", "t", file_source())
    hash_diff = run_plan("h", "db", "t", file_source(), mode="scd1_hash_diff")
    assert not performance.is_hash_diff(append) and performance.is_hash_diff(hash_diff)
    profile = performance.render_performance_profile(hash_diff, GlueJobSettings(name="job"))
    assert profile["status"] == "benchmark_required"
    assert profile["release_gate"]["stable_claim_allowed"] is False
    assert {case["name"] for case in profile["benchmark_cases"]} >= {"initial_load", "no_change_replay"}
    sql = performance.render_performance_sql(hash_diff)
    assert '"demo_ops"."ctrl_ingestion_runs"' in sql and "'glue_catalog.db.t'" in sql
