"""``parameters.aws.step_functions.role_arn`` / ``scheduler.role_arn``: an existing role is used as is.

The split orchestration (``orchestration_tree``: a parent machine starting a child) and the schedule
are applied to moto's server with both roles given: every state machine, the child included, and the
schedule target use the given role, and Terraform creates no IAM role at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.terraform.applied_root import apply_to_moto, aws_client
from tests.terraform.moto_server import REGION, patch_moto_for_terraform
from tests.terraform.tf_cli import Terraform
from tests.terraform.workspace import copy_modules

pytestmark = [pytest.mark.terraform, pytest.mark.aws]

ACCOUNT = "123456789012"
STATES_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ExistingStates"
SCHEDULER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ExistingScheduler"
PASS = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})
ROOT = {
    "module": {
        "orchestration": {
            "source": "../terraform/modules/orchestration_tree",
            "root_name": "cf-demo",
            "arn_prefix": f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:",
            "role_arn": STATES_ROLE,
            "machines": {
                "cf-demo": {
                    "definition": PASS,
                    "role_name": "cf-demo-sfn",
                    "glue_job_arns": [],
                    "child_names": ["cf-demo-part-001"],
                },
                "cf-demo-part-001": {
                    "definition": PASS,
                    "role_name": "cf-demo-part-001-sfn",
                    "glue_job_arns": [],
                    "child_names": [],
                },
            },  # fmt: skip
        },
        "schedule": {
            "source": "../terraform/modules/schedule",
            "name": "cf-demo-schedule",
            "schedule_expression": "cron(0 6 * * ? *)",
            "state_machine_arn": "${module.orchestration.state_machine_arn}",
            "role_arn": SCHEDULER_ROLE,
        },
    },
    "output": {
        "role_arns": {"value": "${module.orchestration.role_arns}"},
        "state_machine_arns": {"value": "${module.orchestration.state_machine_arns}"},
        "schedule_role_arn": {"value": "${module.schedule.role_arn}"},
    },
}


def test_existing_roles_are_used_by_every_machine_and_the_schedule(
    terraform: Terraform, moto_server, tmp_path: Path
) -> None:
    patch_moto_for_terraform()
    moto_server.reset()
    copy_modules(tmp_path)
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf.json").write_text(json.dumps(ROOT, indent=2), encoding="utf-8")

    applied = apply_to_moto(terraform, root, moto_server)

    assert not [a for a in applied.resource_addresses if "aws_iam_role" in a]
    assert aws_client(moto_server, "iam").list_roles()["Roles"] == []
    sfn = applied.client("stepfunctions")
    machines = applied.outputs["state_machine_arns"]
    assert sorted(machines) == ["cf-demo", "cf-demo-part-001"]
    assert {sfn.describe_state_machine(stateMachineArn=arn)["roleArn"] for arn in machines.values()} == {
        STATES_ROLE
    }
    assert applied.outputs["role_arns"] == {"cf-demo": STATES_ROLE, "cf-demo-part-001": STATES_ROLE}
    schedule = applied.client("scheduler").get_schedule(Name="cf-demo-schedule")
    assert schedule["Target"]["RoleArn"] == SCHEDULER_ROLE == applied.outputs["schedule_role_arn"]
    code, output = applied.plan_exit_code()
    assert code == 0, output
    moto_server.reset()
