"""Cost signals: the formulas (pure) and idempotent recording through Athena on moto."""

from __future__ import annotations

import json
from datetime import datetime

import boto3
import pytest
from contractforge.ops.cost import cost_rows, dpu_seconds
from contractforge.ops.cost_recording import FinishedRun, finished_runs, record_cost
from contractforge.ops.glue_runs import GlueJobs
from contractforge.ops.project import athena_settings
from contractforge.ops.sql_backends import AthenaBackend
from ops_plans import create_jobs, make_plan, make_step

NOW = datetime(2026, 11, 22, 1, 0, 0)


def test_reported_dpu_seconds_win_and_billing_minimum_is_separate():
    run = {
        "Id": "jr_1",
        "JobName": "j",
        "JobRunState": "SUCCEEDED",
        "DPUSeconds": 30.0,
        "ExecutionTime": 40,
        "WorkerType": "G.1X",
        "NumberOfWorkers": 2,
    }
    value, billed, formula, billed_formula = dpu_seconds(run)
    assert (value, billed) == (30.0, 120.0)
    assert formula.startswith("DPUSeconds")
    assert "max(" in billed_formula


@pytest.mark.parametrize(
    ("worker_type", "workers", "expected"),
    [("G.025X", 2, 61.5), ("G.1X", 2, 246.0), ("G.2X", 3, 738.0), ("G.4X", 1, 492.0), ("G.8X", 1, 984.0)],
)
def test_fallback_formula_uses_execution_time_workers_and_dpu_per_worker(worker_type, workers, expected):
    run = {
        "Id": "jr_1",
        "JobName": "j",
        "JobRunState": "FAILED",
        "ExecutionTime": 123,
        "WorkerType": worker_type,
        "NumberOfWorkers": workers,
    }
    rows = cost_rows(run, "glue_catalog.db.t", NOW)
    assert [r["signal_name"] for r in rows] == ["glue_dpu_seconds", "glue_billed_dpu_seconds"]
    assert rows[0]["signal_value"] == expected
    payload = json.loads(rows[0]["payload_json"])
    assert payload["formula"].startswith("ExecutionTime(123s) x NumberOfWorkers")
    assert payload["contractforge_run_id"] == "j:jr_1"


def test_short_runs_are_billed_the_glue_minute():
    run = {
        "Id": "jr_2",
        "JobName": "j",
        "JobRunState": "SUCCEEDED",
        "ExecutionTime": 10,
        "WorkerType": "Standard",
        "NumberOfWorkers": 10,
    }
    rows = cost_rows(run, "t", NOW, worker_type="G.2X", workers=2)
    assert [r["signal_value"] for r in rows] == [40.0, 240.0]
    assert "[job settings]" in json.loads(rows[0]["payload_json"])["formula"]


def test_running_runs_have_no_cost():
    assert (
        cost_rows({"Id": "x", "JobName": "j", "JobRunState": "RUNNING", "ExecutionTime": 5}, "t", NOW) == []
    )


@pytest.mark.aws
def test_recording_twice_through_athena_adds_nothing(moto, aws_session):
    plan = make_plan(make_step("priced"), make_step("priced_fail"))
    glue_client = boto3.client("glue", region_name=moto.region, endpoint_url=moto.endpoint_url)
    create_jobs(glue_client, plan)
    for step in plan.steps:
        glue_client.start_job_run(JobName=step.glue.name)
    athena = boto3.client("athena", region_name=moto.region, endpoint_url=moto.endpoint_url)
    glue = GlueJobs(aws_session)
    runs = finished_runs(glue, plan, list(plan.steps))
    assert {r.job_run["JobRunState"] for r in runs} == {"SUCCEEDED", "FAILED"}

    first = record_cost(AthenaBackend(aws_session, athena_settings(plan)), runs, now=NOW)

    assert [r["status"] for r in first] == ["RECORDED", "RECORDED"]
    queries = moto.athena_queries(athena)
    inserts = [q for q in queries if q.startswith("INSERT INTO")]
    assert len(inserts) == 1
    assert inserts[0].count("'glue_dpu_seconds'") == 2 and inserts[0].count("'glue_billed_dpu_seconds'") == 2
    assert f"'{runs[0].run_id}'" in inserts[0]
    assert '"cf_ops_test_ops".ctrl_ingestion_cost' in inserts[0]

    # the evidence now holds both signals of both runs: Athena answers the idempotency query with them
    moto.inject_athena_results(
        [("run_id", "varchar"), ("target_table", "varchar"), ("signal_name", "varchar")],
        [
            [r.run_id, r.step.target_identifier, s]
            for r in runs
            for s in ("glue_dpu_seconds", "glue_billed_dpu_seconds")
        ],
    )
    second = record_cost(AthenaBackend(aws_session, athena_settings(plan)), runs, now=NOW)

    assert [r["status"] for r in second] == ["ALREADY_RECORDED", "ALREADY_RECORDED"]
    assert [q for q in moto.athena_queries(athena) if q.startswith("INSERT INTO")] == inserts


@pytest.mark.aws
def test_run_ids_select_one_run_and_unknown_ids_are_refused(moto, aws_session):
    plan = make_plan(make_step("one"))
    glue_client = boto3.client("glue", region_name=moto.region, endpoint_url=moto.endpoint_url)
    create_jobs(glue_client, plan)
    run_id = glue_client.start_job_run(JobName=plan.steps[0].glue.name)["JobRunId"]
    glue = GlueJobs(aws_session)

    by_bare_id = finished_runs(glue, plan, list(plan.steps), [run_id])
    by_full_id = finished_runs(glue, plan, list(plan.steps), [f"{plan.steps[0].glue.name}:{run_id}"])

    assert [r.job_run["Id"] for r in by_bare_id] == [run_id] == [r.job_run["Id"] for r in by_full_id]
    assert isinstance(by_bare_id[0], FinishedRun)
    with pytest.raises(Exception, match="belongs to none"):
        finished_runs(glue, plan, list(plan.steps), ["jr_missing"])
