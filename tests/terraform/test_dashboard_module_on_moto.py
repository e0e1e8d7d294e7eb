"""terraform/modules/dashboard: validated by the real provider, applied to moto, read back via boto3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.terraform.applied_root import apply_to_moto
from tests.terraform.moto_server import REGION, patch_moto_for_terraform
from tests.terraform.tf_cli import Terraform
from tests.terraform.workspace import copy_modules

pytestmark = [pytest.mark.terraform, pytest.mark.aws]

SFN_ARN = f"arn:aws:states:{REGION}:123456789012:stateMachine:cf-demo"
ROOT = """
module "dashboard" {
  source            = "../terraform/modules/dashboard"
  dashboard_name    = "contractforge-cf_demo"
  region            = "%(region)s"
  glue_job_names    = ["cf_demo-bronze", "cf_demo-silver"]
  state_machine_arn = "%(sfn)s"
  metric_namespace  = "ContractForge"
  metric_names = {
    succeeded = "TargetSucceeded", rows_written = "RowsWritten",
    rows_quarantined = "RowsQuarantined", duration_seconds = "DurationSeconds"
  }
  targets = [
    { label = "bronze", dimensions = { Project = "cf_demo", Target = "demo_bronze.b_orders" } },
    { label = "silver", dimensions = { Project = "cf_demo", Target = "demo_silver.s_orders" } },
  ]
}

output "dashboard_name" {
  value = module.dashboard.dashboard_name
}
"""


def _root(tmp: Path, body: str) -> Path:
    copy_modules(tmp)
    root = tmp / "root"
    root.mkdir()
    (root / "main.tf").write_text(body, encoding="utf-8")
    return root


def test_dashboard_applies_to_moto_with_every_widget(
    terraform: Terraform, moto_server, tmp_path: Path
) -> None:
    patch_moto_for_terraform()
    moto_server.reset()
    root = _root(tmp_path, ROOT % {"region": REGION, "sfn": SFN_ARN})

    applied = apply_to_moto(terraform, root, moto_server)

    assert applied.outputs["dashboard_name"] == "contractforge-cf_demo"
    body = json.loads(
        applied.client("cloudwatch").get_dashboard(DashboardName="contractforge-cf_demo")["DashboardBody"]
    )
    titles = [w["properties"].get("title") for w in body["widgets"] if w["type"] == "metric"]
    assert titles == [
        "Run succeeded (1) or not (0), per target",
        "Rows written per target",
        "Rows quarantined per target",
        "Run duration (s) per target",
        "Glue job elapsed time (ms)",
        "Glue failed tasks",
        "Step Functions executions",
    ]
    succeeded = body["widgets"][1]["properties"]["metrics"]
    assert succeeded[0] == [
        "ContractForge", "TargetSucceeded", "Project", "cf_demo", "Target", "demo_bronze.b_orders", {"label": "bronze"}
    ]  # fmt: skip
    states = body["widgets"][-1]["properties"]["metrics"]
    assert [
        "AWS/States",
        "ExecutionsFailed",
        "StateMachineArn",
        SFN_ARN,
        {"label": "ExecutionsFailed"},
    ] in states
    code, output = applied.plan_exit_code()
    assert code == 0, output  # a second plan shows no changes
    moto_server.reset()


def test_invalid_inputs_are_refused_at_plan_time(terraform: Terraform, tmp_path: Path) -> None:
    bad = ROOT.replace('"contractforge-cf_demo"', '"has spaces"').replace('"ContractForge"', '"AWS/Glue"')
    root = _root(tmp_path, bad % {"region": REGION, "sfn": SFN_ARN})
    terraform.init(root)
    result = terraform.run(root, "validate", check=False)
    text = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert "dashboard_name may hold only letters" in text and "not start with AWS/" in text
