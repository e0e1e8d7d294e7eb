"""Annotations reach the Iceberg table through the runner: applied once, unchanged after, diffs exact."""

from __future__ import annotations

import copy

import pytest
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.run import run_plan

from tests.runtime.plan_factory import run_plan as make_plan
from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow

DB = "cf_test_annotations"
TARGET = f"glue_catalog.{DB}.b_people"
ANNOTATIONS = {
    "table": {"description": "People we know.", "tags": {"domain": "crm"}, "aliases": ["people_raw"]},
    "columns": {
        "id": {"description": "Person id."},
        "email": {"description": "Contact.", "pii": {"enabled": True, "type": "email",
                                                    "sensitivity": "confidential"}},
        "ghost": {"description": "Not a column."},
    },
}  # fmt: skip


def _plan(tmp_path, annotations):
    source = tmp_path / "people.csv"
    source.write_text("id,email\n1,a@example.com\n2,b@example.com\n")
    plan = make_plan(
        "people",
        DB,
        "b_people",
        source={"type": "files", "family": "files", "format": "csv", "path": str(source),
                "options": {"header": "true"}, "read": {}},
        write={"mode": "scd0_overwrite"},
    )  # fmt: skip
    plan["metadata"]["annotations"] = annotations
    plan["metadata"]["operations"] = {"criticality": "high", "freshness_sla_minutes": 60,
                                      "tags": {"cost_center": "4711"}}  # fmt: skip
    return plan


def _metadata_commits(spark) -> int:
    return spark.sql(f"SELECT count(*) FROM {TARGET}.metadata_log_entries").first()[0]


def _evidence(spark, table, run_id):
    return spark.table(f"glue_catalog.{DB}_ops.{table}").where(f"run_id = '{run_id}'").collect()


def test_annotations_applied_then_unchanged_then_one_change(spark, tmp_path):
    drop_databases(spark, DB, f"{DB}_ops")
    first = run_plan(spark, _plan(tmp_path, ANNOTATIONS), RunContext.local("people"))
    described = {r["col_name"]: r for r in spark.sql(f"DESCRIBE TABLE EXTENDED {TARGET}").collect()}
    assert (described["id"]["comment"], described["email"]["comment"]) == ("Person id.", "Contact.")
    assert described["Comment"]["data_type"] == "People we know."  # detailed table information
    properties = dict(spark.sql(f"SHOW TBLPROPERTIES {TARGET}").collect())
    assert properties["contractforge.tag.domain"] == "crm"
    assert properties["contractforge.aliases"] == "people_raw"
    assert properties["contractforge.column.email.pii.sensitivity"] == "confidential"
    run_row = _evidence(spark, "ctrl_ingestion_runs", first.run_id)[0]
    assert run_row["annotations_status"] == "APPLIED"
    assert '"missing_columns": ["ghost"]' in run_row["annotations_result_json"]
    assert run_row["contract_tags_json"] == '{"cost_center": "4711"}'
    rows = _evidence(spark, "ctrl_ingestion_annotations", first.run_id)
    assert {(r["key"], r["status"]) for r in rows if r["column_name"] == "ghost"} == {(None, "SKIPPED")}
    assert len([r for r in rows if r["status"] == "APPLIED"]) == 8
    operations = _evidence(spark, "ctrl_ingestion_operations", first.run_id)
    assert [(r["criticality"], r["freshness_sla_minutes"]) for r in operations] == [("high", 60)]

    commits = _metadata_commits(spark)
    second = run_plan(spark, _plan(tmp_path, ANNOTATIONS), RunContext.local("people"))
    assert _evidence(spark, "ctrl_ingestion_runs", second.run_id)[0]["annotations_status"] == "UNCHANGED"
    # the overwrite commits data; no annotation commit follows it
    assert _metadata_commits(spark) == commits + 1
    assert [r["status"] for r in _evidence(spark, "ctrl_ingestion_annotations", second.run_id)] == ["SKIPPED"]

    changed = copy.deepcopy(ANNOTATIONS)
    changed["columns"]["id"]["description"] = "Person identifier."
    third = run_plan(spark, _plan(tmp_path, changed), RunContext.local("people"))
    applied = [
        r for r in _evidence(spark, "ctrl_ingestion_annotations", third.run_id) if r["status"] == "APPLIED"
    ]
    assert [(r["column_name"], r["key"], r["previous_value"], r["value"]) for r in applied] == [
        ("id", "description", "Person id.", "Person identifier.")
    ]
    assert "ALTER COLUMN `id` COMMENT 'Person identifier.'" in applied[0]["applied_sql"]
    # a deployment row when the plan first runs and when it changed; none for an unchanged plan
    deployments = spark.table(f"glue_catalog.{DB}_ops.ctrl_ingestion_deployment_versions").orderBy(
        "deployment_ts_utc"
    )
    assert [(r["action"], r["deployment_id"]) for r in deployments.collect()] == [
        ("first_run", first.run_id),
        ("changed", third.run_id),
    ]
