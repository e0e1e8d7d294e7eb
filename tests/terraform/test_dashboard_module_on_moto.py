"""terraform/modules/dashboard: its input validation, with the real provider. The module applied to
moto and read back through boto3 (every widget, a second plan without changes) is part of the
minimal root's apply (test_apply_minimal_root_to_moto.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.terraform.moto_server import REGION
from tests.terraform.tf_cli import Terraform
from tests.terraform.workspace import copy_modules

pytestmark = pytest.mark.terraform

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


def test_invalid_inputs_are_refused_at_plan_time(terraform: Terraform, tmp_path: Path) -> None:
    bad = ROOT.replace('"contractforge-cf_demo"', '"has spaces"').replace('"ContractForge"', '"AWS/Glue"')
    root = _root(tmp_path, bad % {"region": REGION, "sfn": SFN_ARN})
    terraform.init(root)
    result = terraform.run(root, "validate", check=False)
    text = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert "dashboard_name may hold only letters" in text and "not start with AWS/" in text
