"""`contractforge run --env aws` through the CLI (command_run delegates to cli.run_aws), with the
compiler's own Step Functions definition executing on moto."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from contractforge.api import plan_project
from contractforge.cli.main import main
from contractforge.render.step_functions import render_state_machine
from ops_plans import create_jobs

pytestmark = pytest.mark.aws

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "orders-medallion"


def _apply(moto, project) -> None:
    """What terraform apply creates for a run: the Glue jobs and the state machine."""
    plan = plan_project(project)
    kwargs = {"region_name": moto.region, "endpoint_url": moto.endpoint_url}
    create_jobs(boto3.client("glue", **kwargs), plan)
    boto3.client("stepfunctions", **kwargs).create_state_machine(
        name=plan.state_machine_name,
        definition=json.dumps(render_state_machine(plan).definition),
        roleArn="arn:aws:iam::123456789012:role/sfn",
    )


def _run(moto, project, *flags: str, capsys) -> tuple[int, dict]:
    code = main(
        [
            "run",
            str(project),
            "--endpoint-url",
            moto.endpoint_url,
            "--poll-interval-seconds",
            "0.05",
            "--max-wait-seconds",
            "120",
            "--json",
            *flags,
        ]
    )
    return code, json.loads(capsys.readouterr().out)


def test_direct_run_through_the_cli(moto, capsys):
    _apply(moto, EXAMPLE)
    code, out = _run(moto, EXAMPLE, "--wait", "--steps", "bronze_orders,silver_orders", capsys=capsys)
    assert code == 0
    assert [(s["step"], s["result"]) for s in out["steps"]] == [
        ("bronze_orders", "SUCCESS"),
        ("silver_orders", "SUCCESS"),
    ]


def test_orchestrated_run_of_the_compiled_state_machine(moto, capsys):
    moto.enable_stepfunctions_execution()
    _apply(moto, EXAMPLE)

    code, out = _run(moto, EXAMPLE, "--orchestration", "--wait", "--execution-key", "t1", capsys=capsys)

    assert code == 0, out
    assert out["execution_status"] == "SUCCEEDED"
    assert [s["result"] for s in out["steps"]] == ["SUCCESS", "SUCCESS", "SUCCESS"]
    assert all(s["glue_run_id"] for s in out["steps"])
    assert all(s["elapsed_seconds"] is not None for s in out["steps"])  # from Glue StartedOn/CompletedOn


def test_orchestrated_expected_failures_need_the_flag(moto, capsys, reference_projects):
    project = reference_projects / "aws-failure-paths"
    moto.enable_stepfunctions_execution()
    _apply(moto, project)
    assert all("fail" in s.glue.name for s in plan_project(project).steps)  # the fake Glue fails them

    strict_code, strict = _run(
        moto, project, "--orchestration", "--wait", "--execution-key", "a", capsys=capsys
    )
    code, accepted = _run(
        moto,
        project,
        "--orchestration",
        "--wait",
        "--execution-key",
        "b",
        "--accept-expected-failures",
        capsys=capsys,
    )

    assert strict_code == 1 and {s["result"] for s in strict["steps"]} == {"FAILED"}
    assert code == 0 and {s["result"] for s in accepted["steps"]} == {"EXPECTED_FAILURE"}
    assert accepted["execution_status"] == "SUCCEEDED"  # the compiled Catch records expected failures
