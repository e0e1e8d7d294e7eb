"""Orchestrated runs: Step Functions on moto executing glue:startJobRun.sync (appendix-B patches)."""

from __future__ import annotations

import json

import boto3
import pytest
from contractforge.errors import ContractForgeError
from contractforge.ops.direct_run import RunOptions
from contractforge.ops.orchestrated_run import execution_name, run_orchestrated
from contractforge.ops.sfn_history import child_executions, glue_tasks
from ops_plans import create_jobs, create_state_machine, make_plan, make_step

pytestmark = pytest.mark.aws

FAST = RunOptions(poll_interval_seconds=0.05, max_wait_seconds=120)


def _clients(moto):
    kwargs = {"region_name": moto.region, "endpoint_url": moto.endpoint_url}
    return boto3.client("glue", **kwargs), boto3.client("stepfunctions", **kwargs)


def test_orchestrated_run_reports_each_steps_glue_run(moto, aws_session):
    moto.enable_stepfunctions_execution()
    plan = make_plan(make_step("bronze"), make_step("silver", ["bronze"]), make_step("audit", ["bronze"]))
    glue, sfn = _clients(moto)
    create_jobs(glue, plan)
    create_state_machine(sfn, plan)

    lines: list[str] = []
    summary = run_orchestrated(aws_session, plan, FAST, execution_key="k1", progress=lines.append)

    assert summary.execution_status == "SUCCEEDED"
    assert [o.result for o in summary.outcomes] == ["SUCCESS", "SUCCESS", "SUCCESS"]
    for outcome in summary.outcomes:
        runs = glue.get_job_runs(JobName=outcome.job_name)["JobRuns"]
        assert [r["Id"] for r in runs] == [outcome.glue_run_id]
    assert summary.execution_arn.endswith(":" + execution_name(plan, "k1"))
    assert summary.exit_code == 0
    assert any("execution" in line and "SUCCEEDED" in line for line in lines)


def test_same_key_attaches_to_the_existing_execution(moto, aws_session):
    moto.enable_stepfunctions_execution()
    plan = make_plan(make_step("only"))
    glue, sfn = _clients(moto)
    create_jobs(glue, plan)
    machine = create_state_machine(sfn, plan)

    first = run_orchestrated(aws_session, plan, FAST, execution_key="2026-11-22")
    second = run_orchestrated(aws_session, plan, FAST, execution_key="2026-11-22")

    assert first.execution_arn == second.execution_arn
    assert len(sfn.list_executions(stateMachineArn=machine)["executions"]) == 1
    assert len(glue.get_job_runs(JobName=plan.steps[0].glue.name)["JobRuns"]) == 1
    assert execution_name(plan, "a") != execution_name(plan, "b")


def test_failed_step_fails_the_execution_and_later_waves_are_blocked(moto, aws_session):
    moto.enable_stepfunctions_execution()
    plan = make_plan(
        make_step("first"),
        make_step("load_fail", ["first"], expected_result="failed"),
        make_step("sibling", ["first"]),
        make_step("last", ["load_fail", "sibling"]),
    )
    glue, sfn = _clients(moto)
    create_jobs(glue, plan)
    create_state_machine(sfn, plan)

    strict = run_orchestrated(aws_session, plan, FAST, execution_key="strict")
    accepting = run_orchestrated(
        aws_session,
        plan,
        RunOptions(poll_interval_seconds=0.05, max_wait_seconds=120, accept_expected_failures=True),
        execution_key="accepting",
    )

    assert strict.execution_status == "FAILED"
    results = {o.step: o.result for o in strict.outcomes}
    assert results["first"] == "SUCCESS" and results["load_fail"] == "FAILED" and results["last"] == "BLOCKED"
    assert strict.exit_code == 1
    assert {o.step: o.result for o in accepting.outcomes}["load_fail"] == "EXPECTED_FAILURE"
    assert accepting.exit_code == 0


def test_missing_state_machine_is_an_operator_error(moto, aws_session):
    plan = make_plan(make_step("x"))
    with pytest.raises(ContractForgeError) as caught:
        run_orchestrated(aws_session, plan, FAST, execution_key="k")
    assert caught.value.exit_code == 2
    assert "cf-ops-test-orchestration" in caught.value.render()


def test_history_parsing_ties_interleaved_events_to_their_task():
    events = [
        {
            "id": 1,
            "previousEventId": 0,
            "type": "TaskScheduled",
            "taskScheduledEventDetails": {"resourceType": "glue", "parameters": '{"JobName": "a"}'},
        },
        {
            "id": 2,
            "previousEventId": 0,
            "type": "TaskScheduled",
            "taskScheduledEventDetails": {"resourceType": "glue", "parameters": '{"JobName": "b"}'},
        },
        {
            "id": 3,
            "previousEventId": 2,
            "type": "TaskStarted",
            "taskStartedEventDetails": {"resourceType": "glue"},
        },
        {
            "id": 4,
            "previousEventId": 1,
            "type": "TaskStarted",
            "taskStartedEventDetails": {"resourceType": "glue"},
        },
        {
            "id": 5,
            "previousEventId": 3,
            "type": "TaskSubmitted",
            "taskSubmittedEventDetails": {"resourceType": "glue", "output": '{"JobRunId": "jr_b"}'},
        },
        {
            "id": 6,
            "previousEventId": 4,
            "type": "TaskFailed",
            "taskFailedEventDetails": {
                "resourceType": "glue",
                "error": "Glue.EntityNotFoundException",
                "cause": "Job a not found.",
            },
        },
        {
            "id": 7,
            "previousEventId": 5,
            "type": "TaskSucceeded",
            "taskSucceededEventDetails": {
                "resourceType": "glue",
                "output": '{"Id": "jr_b", "JobRunState": "SUCCEEDED"}',
            },
        },
    ]
    tasks = glue_tasks(events)
    assert (tasks["b"].run_id, tasks["b"].state) == ("jr_b", "SUCCEEDED")
    assert tasks["a"].run_id is None and tasks["a"].state == "FAILED"
    assert "EntityNotFound" in tasks["a"].error


def test_without_wait_the_execution_is_started_and_reported(moto, aws_session):
    plan = make_plan(make_step("a"), make_step("b", ["a"]))
    glue, sfn = _clients(moto)
    create_jobs(glue, plan)
    create_state_machine(sfn, plan)  # execution disabled: moto keeps it RUNNING

    summary = run_orchestrated(aws_session, plan, RunOptions(wait=False), execution_key="nowait")

    assert summary.execution_status == "RUNNING"
    assert summary.exit_code == 0
    assert summary.waited is False


def test_child_executions_of_a_split_project_are_found_in_the_history():
    child = "arn:aws:states:us-east-1:123456789012:execution:demo-part-001:abc"
    events = [
        {
            "id": 3,
            "type": "TaskScheduled",
            "taskScheduledEventDetails": {"resourceType": "states", "resource": "startExecution.sync:2"},
        },
        {
            "id": 5,
            "previousEventId": 3,
            "type": "TaskSubmitted",
            "taskSubmittedEventDetails": {
                "resourceType": "states",
                "output": json.dumps({"ExecutionArn": child}),
            },
        },
        {
            "id": 6,
            "previousEventId": 5,
            "type": "TaskSucceeded",
            "taskSucceededEventDetails": {
                "resourceType": "states",
                "output": json.dumps({"ExecutionArn": child, "Status": "SUCCEEDED"}),
            },
        },
    ]
    assert child_executions(events) == [child]
    assert glue_tasks(events) == {}
