"""no_upstream_change: a step whose input tables still have the snapshots it consumed is skipped."""

from __future__ import annotations

import json

import pytest
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.run import run_plan

from tests.runtime.plan_factory import run_plan as make_plan
from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow

DB = "cf_test_upstream"
UPSTREAM = f"glue_catalog.{DB}.b_orders"


def _silver_plan(**run) -> dict:
    plan = make_plan(
        "silver_orders",
        DB,
        "s_orders",
        source={"type": "iceberg_table", "family": "catalog", "table": UPSTREAM},
        write={"mode": "scd0_overwrite"},
        layer="silver",
    )
    plan["run"].update(run)
    return plan


def _ctx(tmp_path):
    return RunContext.local("upstream", s3_root=str(tmp_path / "s3"))


def test_unchanged_upstream_skips_before_reading_and_a_commit_runs_again(spark, tmp_path):
    drop_databases(spark, DB, f"{DB}_ops")
    spark.sql(f"CREATE NAMESPACE glue_catalog.{DB}")
    spark.sql(f"CREATE TABLE {UPSTREAM} (order_id BIGINT, amount DOUBLE) USING iceberg")
    spark.sql(f"INSERT INTO {UPSTREAM} VALUES (1, 10.0), (2, 20.0)")
    head = str(spark.sql(f"SELECT snapshot_id FROM {UPSTREAM}.refs WHERE name = 'main'").first()[0])

    first = run_plan(spark, _silver_plan(), _ctx(tmp_path))
    assert (first.status, first.rows_written) == ("SUCCESS", 2)
    target_head = first.table_version_after

    idle = run_plan(spark, _silver_plan(), _ctx(tmp_path))
    assert (idle.status, idle.skip_reason) == ("SKIPPED", "no_upstream_change")
    assert "read" not in idle.stage_durations and "lock" not in idle.stage_durations
    runs = {r.run_id: r for r in spark.table(f"glue_catalog.{DB}_ops.ctrl_ingestion_runs").collect()}
    assert runs[idle.run_id].skipped_by_run_id == first.run_id
    assert json.loads(runs[first.run_id].source_metrics_json)["input_snapshots"] == {UPSTREAM: head}
    [state] = spark.table(f"glue_catalog.{DB}_ops.ctrl_ingestion_state").collect()  # a skip adds no state
    assert json.loads(state.input_snapshots_json)["tables"] == {UPSTREAM: head}
    lineage = {r.run_id: r for r in spark.table(f"glue_catalog.{DB}_ops.ctrl_ingestion_lineage").collect()}
    [read] = json.loads(lineage[first.run_id].event_json)["inputs"]
    assert read["facets"]["version"]["datasetVersion"] == head
    current = spark.sql(f"SELECT snapshot_id FROM glue_catalog.{DB}.s_orders.refs WHERE name = 'main'")
    assert str(current.first()[0]) == target_head  # nothing rewritten

    spark.sql(f"INSERT INTO {UPSTREAM} VALUES (3, 30.0)")
    again = run_plan(spark, _silver_plan(), _ctx(tmp_path))
    assert (again.status, again.rows_written) == ("SUCCESS", 3)

    opted_out = run_plan(spark, _silver_plan(skip_unchanged_inputs=False), _ctx(tmp_path))
    assert (opted_out.status, opted_out.rows_written) == ("SUCCESS", 3)

    changed_contract = _silver_plan()
    changed_contract["contract"]["sha256"] = "1" * 64
    assert run_plan(spark, changed_contract, _ctx(tmp_path)).status == "SUCCESS"
    assert run_plan(spark, changed_contract, _ctx(tmp_path)).skip_reason == "no_upstream_change"
