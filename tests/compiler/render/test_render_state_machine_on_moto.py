"""The rendered ASL executes on moto's Step Functions interpreter against moto Glue (aws tier).

Proves what the structure tests cannot: the Parallel encoding of a diamond runs every job once in
dependency order, an expected failure is recorded and the execution goes on, an unexpected failure
fails the execution with the Glue cause, and a ConcurrentRunsExceededException is retried.
"""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest
from contractforge.render.step_functions import render_state_machine

from tests.aws_fixtures import moto_server_fixtures
from tests.compiler.render.plans import project, step

pytestmark = pytest.mark.aws
moto_server, moto = moto_server_fixtures()
ROLE = "arn:aws:iam::123456789012:role/sfn"


def _client(fake, service: str):
    return boto3.client(service, endpoint_url=fake.endpoint_url, region_name=fake.region)


def _execute(fake, plan, execution_input: dict | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    fake.enable_stepfunctions_execution()
    glue, sfn = _client(fake, "glue"), _client(fake, "stepfunctions")
    for s in plan.steps:
        glue.create_job(
            Name=s.glue.name, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://b/k.py"}
        )
    definition = json.dumps(render_state_machine(plan).definition)
    arn = sfn.create_state_machine(name="machine", definition=definition, roleArn=ROLE)["stateMachineArn"]
    started = sfn.start_execution(stateMachineArn=arn, input=json.dumps(execution_input or {}))
    execution = started["executionArn"]
    deadline = time.monotonic() + 60
    while True:
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    runs = [run for s in plan.steps for run in glue.get_job_runs(JobName=s.glue.name)["JobRuns"]]
    return described, runs


def test_diamond_runs_every_job_once_and_records_an_expected_failure(moto) -> None:
    plan = project(
        step("a"),
        step("b", depends_on=("a",)),
        step("c_fail", depends_on=("a",), expected_result="failed"),  # moto fails jobs named *fail*
        step("d", depends_on=("b", "c_fail")),
    )
    described, runs = _execute(moto, plan)
    assert described["status"] == "SUCCEEDED", described
    assert sorted(run["JobName"] for run in runs) == ["demo-a", "demo-b", "demo-c_fail", "demo-d"]
    started = {run["JobName"]: run["StartedOn"] for run in runs}
    assert started["demo-a"] <= started["demo-b"] <= started["demo-d"]
    output = json.loads(described["output"])
    assert output["runs"]["a"]["JobRunState"] == "SUCCEEDED" and output["runs"]["d"]["JobRunId"]
    branches = [branch for results in output["parallel"].values() for branch in results]
    records = {name: record for branch in branches for name, record in branch["runs"].items()}
    assert records["c_fail"]["status"] == "EXPECTED_FAILURE"
    assert records["b"]["JobRunState"] == "SUCCEEDED"
    parent_ids = {run["Arguments"]["--CONTRACTFORGE_PARENT_RUN_ID"] for run in runs}
    assert parent_ids == {described["executionArn"]}


def test_an_unexpected_failure_fails_the_execution_with_the_glue_cause(moto) -> None:
    plan = project(step("load_fail"), step("after", depends_on=("load_fail",)))
    described, runs = _execute(moto, plan)
    assert described["status"] == "FAILED"
    assert [run["JobName"] for run in runs] == ["demo-load_fail"]  # "after" never started
    assert "fake failure of demo-load_fail" in described.get("cause", "")


def test_concurrent_runs_exceeded_is_retried(moto, monkeypatch) -> None:
    import contractforge.render.step_functions.asl as step_functions

    fast = {**step_functions.CONCURRENCY_RETRY, "IntervalSeconds": 1, "MaxDelaySeconds": 1}
    monkeypatch.setattr(step_functions, "CONCURRENCY_RETRY", fast)  # keep the test quick
    moto.reject_job_starts("demo-busy", "ConcurrentRunsExceededException")
    described, runs = _execute(moto, project(step("busy")))
    assert described["status"] == "SUCCEEDED", described
    assert len(runs) == 1


@pytest.mark.parametrize(
    ("execution_input", "expected"), [({"run_key": "2026-01-31"}, "2026-01-31"), ({}, "")]
)
def test_the_execution_input_run_key_reaches_every_glue_run(moto, execution_input, expected) -> None:
    """Step Functions input ``run_key`` → ``--CONTRACTFORGE_RUN_KEY`` of every job run, through a
    Parallel; none in the input → an empty argument (the runtime then reads no key)."""
    plan = project(step("a"), step("b", depends_on=("a",)), step("c", depends_on=("a",)))
    described, runs = _execute(moto, plan, execution_input)
    assert described["status"] == "SUCCEEDED", described
    assert sorted(run["JobName"] for run in runs) == ["demo-a", "demo-b", "demo-c"]
    assert {run["Arguments"]["--CONTRACTFORGE_RUN_KEY"] for run in runs} == {expected}
