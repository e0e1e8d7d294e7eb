"""Direct project runs against moto's Glue: ordering, failures, expected failures, retries."""

from __future__ import annotations

import boto3
import pytest
from contractforge.errors import ContractForgeError
from contractforge.ops.direct_run import RunOptions, run_direct
from contractforge.ops.project import select_steps
from ops_plans import create_jobs, make_plan, make_step

pytestmark = pytest.mark.aws

FAST = {"poll_interval_seconds": 0.01, "max_wait_seconds": 120}


def _glue(moto):
    return boto3.client("glue", region_name=moto.region, endpoint_url=moto.endpoint_url)


def _run(aws_session, plan, steps=None, **options):
    lines: list[str] = []
    summary = run_direct(
        aws_session, plan, select_steps(plan, steps), RunOptions(**{**FAST, **options}), progress=lines.append
    )
    return summary, lines


def _first(lines, text):
    return next(i for i, line in enumerate(lines) if text in line)


def test_steps_start_after_their_dependencies_succeed(moto, aws_session):
    moto.set_glue_transition("manual", times=2)
    plan = make_plan(make_step("bronze"), make_step("silver", ["bronze"]), make_step("other"))
    create_jobs(_glue(moto), plan)

    summary, lines = _run(aws_session, plan)

    assert [o.result for o in summary.outcomes] == ["SUCCESS", "SUCCESS", "SUCCESS"]
    assert summary.exit_code == 0
    # independent steps start together; silver only after bronze succeeded
    assert _first(lines, "other: STARTING") < _first(lines, "bronze: SUCCEEDED")
    assert _first(lines, "bronze: SUCCEEDED") < _first(lines, "silver: STARTING")
    assert any("bronze: RUNNING" in line for line in lines)
    runs = _glue(moto).get_job_runs(JobName=plan.step("silver").glue.name)["JobRuns"]
    assert [r["Id"] for r in runs] == [summary.outcomes[1].glue_run_id]
    assert summary.outcomes[1].run_id == f"{plan.step('silver').glue.name}:{runs[0]['Id']}"
    group_ids = {r["Arguments"]["--CONTRACTFORGE_RUN_GROUP_ID"] for r in runs}
    assert len(group_ids) == 1


def test_failed_step_blocks_its_dependants_and_fails_the_run(moto, aws_session):
    moto.set_glue_transition("manual", times=1)
    plan = make_plan(make_step("load_fail"), make_step("after", ["load_fail"]), make_step("alone"))
    create_jobs(_glue(moto), plan)

    summary, _ = _run(aws_session, plan)

    results = {o.step: o.result for o in summary.outcomes}
    assert results == {"load_fail": "FAILED", "after": "BLOCKED", "alone": "SUCCESS"}
    assert summary.exit_code == 1
    assert "fake failure" in summary.outcomes[0].message
    assert _glue(moto).get_job_runs(JobName=plan.step("after").glue.name)["JobRuns"] == []
    table = summary.table(now=0)
    assert "load_fail" in table and "1 unexpected result(s)" in table


def test_expected_failures_count_only_with_the_flag(moto, aws_session):
    plan = make_plan(make_step("quality_fail", expected_result="failed"), make_step("ok"))
    create_jobs(_glue(moto), plan)

    without_flag, _ = _run(aws_session, plan)
    with_flag, _ = _run(aws_session, plan, accept_expected_failures=True)

    assert [o.result for o in without_flag.outcomes] == ["FAILED", "SUCCESS"]
    assert without_flag.exit_code == 1
    assert [o.result for o in with_flag.outcomes] == ["EXPECTED_FAILURE", "SUCCESS"]
    assert with_flag.exit_code == 0


def test_expected_failure_that_succeeds_is_unexpected(moto, aws_session):
    plan = make_plan(make_step("should_break", expected_result="failed"))
    create_jobs(_glue(moto), plan)

    summary, _ = _run(aws_session, plan, accept_expected_failures=True)

    assert summary.outcomes[0].result == "UNEXPECTED_SUCCESS"
    assert summary.exit_code == 1


def test_concurrent_runs_exceeded_is_retried_until_the_job_starts(moto, aws_session):
    plan = make_plan(make_step("busy"))
    create_jobs(_glue(moto), plan)
    moto.reject_job_starts(
        plan.step("busy").glue.name, "ConcurrentRunsExceededException", "ConcurrentRunsExceededException"
    )

    summary, lines = _run(aws_session, plan)

    assert summary.outcomes[0].result == "SUCCESS"
    assert any("busy: WAITING_TO_START" in line for line in lines)
    assert len(_glue(moto).get_job_runs(JobName=plan.step("busy").glue.name)["JobRuns"]) == 1


def test_throttling_is_retried_inside_the_client_seam(moto, aws_session):
    plan = make_plan(make_step("throttled"))
    create_jobs(_glue(moto), plan)
    moto.reject_job_starts(plan.step("throttled").glue.name, "ThrottlingException", "ThrottlingException")

    summary, _ = _run(aws_session, plan, max_wait_seconds=60)

    assert summary.outcomes[0].result == "SUCCESS"


def test_concurrency_that_outlasts_the_wait_is_reported_not_raised(moto, aws_session):
    plan = make_plan(make_step("stuck"))
    create_jobs(_glue(moto), plan)
    moto.reject_job_starts(plan.step("stuck").glue.name, *["ConcurrentRunsExceededException"] * 1000)

    summary, _ = _run(aws_session, plan, max_wait_seconds=0.2, poll_interval_seconds=0.05)

    assert summary.outcomes[0].result == "WAIT_TIMEOUT"
    assert summary.exit_code == 1


def test_missing_jobs_are_refused_before_anything_starts(moto, aws_session):
    plan = make_plan(make_step("applied"), make_step("never_applied"))
    create_jobs(_glue(moto), make_plan(plan.steps[0]))

    with pytest.raises(ContractForgeError) as caught:
        _run(aws_session, plan)

    assert caught.value.exit_code == 2
    assert "terraform apply" in caught.value.render()
    assert "cf-ops-test-never-applied" in caught.value.render()
    assert _glue(moto).get_job_runs(JobName=plan.steps[0].glue.name)["JobRuns"] == []


def test_step_selection_treats_unselected_dependencies_as_satisfied(moto, aws_session):
    plan = make_plan(make_step("a"), make_step("b", ["a"]))
    create_jobs(_glue(moto), plan)

    summary, _ = _run(aws_session, plan, steps="b")

    assert [(o.step, o.result) for o in summary.outcomes] == [("b", "SUCCESS")]
    assert _glue(moto).get_job_runs(JobName=plan.step("a").glue.name)["JobRuns"] == []
    with pytest.raises(ContractForgeError, match="unknown step 'zzz'"):
        select_steps(plan, "b,zzz")


def test_without_wait_only_root_steps_start(moto, aws_session):
    plan = make_plan(make_step("a"), make_step("b", ["a"]))
    create_jobs(_glue(moto), plan)

    summary, _ = _run(aws_session, plan, wait=False)

    assert [o.result for o in summary.outcomes] == ["STARTED", "NOT_STARTED"]
    assert summary.exit_code == 0


@pytest.mark.parametrize(
    ("state", "expected_result", "accept", "result"),
    [
        ("SUCCEEDED", "success", False, "SUCCESS"),
        ("SUCCEEDED", "failed", False, "SUCCESS"),
        ("SUCCEEDED", "failed", True, "UNEXPECTED_SUCCESS"),
        ("FAILED", "success", True, "FAILED"),
        ("TIMEOUT", "failed", False, "FAILED"),
        ("STOPPED", "failed", True, "EXPECTED_FAILURE"),
        ("ERROR", "failed", True, "EXPECTED_FAILURE"),
    ],
)
def test_glue_states_map_to_step_results(state, expected_result, accept, result):
    from contractforge.ops.glue_runs import step_result

    assert step_result(state, expected_result, accept) == result
