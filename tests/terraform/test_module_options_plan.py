"""The modules' non-default branches, through ``terraform plan`` with the real provider.

tests/terraform/fixtures/options_root sets every option away from its default; the planned values
(``terraform show -json``) show what each module would send. Planning creates nothing, but the
provider validates a known state machine definition through the API (ValidateStateMachineDefinition)
at plan time, so the plan talks to moto.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.terraform.figures import record
from tests.terraform.moto_server import patch_moto_for_terraform, write_endpoints_override
from tests.terraform.tf_cli import Terraform, write_offline_provider_override
from tests.terraform.workspace import copy_fixture_root

pytestmark = [pytest.mark.terraform, pytest.mark.aws]

KMS = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture(scope="module")
def planned(
    terraform: Terraform, moto_server, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Any]]:
    patch_moto_for_terraform()
    root = copy_fixture_root(tmp_path_factory.mktemp("options"), "options_root")
    write_endpoints_override(root, moto_server.endpoint_url, region="eu-west-1")
    terraform.init(root)
    terraform.run(root, "plan", "-input=false", "-out=tfplan")
    plan = json.loads(terraform.run(root, "show", "-json", "tfplan").stdout)
    changes = {c["address"]: c for c in plan["resource_changes"]}
    assert {c["change"]["actions"][0] for c in changes.values()} == {"create"}
    record("resources planned with every module option", len(changes))
    return {address: c["change"]["after"] for address, c in changes.items()}


def test_glue_job_options_and_the_created_security_configuration(planned: dict) -> None:
    job = planned["module.glue_job.aws_glue_job.this"]
    assert (job["glue_version"], job["worker_type"], job["number_of_workers"]) == ("4.0", "G.2X", 10)
    assert (job["timeout"], job["max_retries"], job["execution_class"]) == (120, 2, "FLEX")
    assert job["execution_property"] == [{"max_concurrent_runs": 3}]
    assert job["connections"] == ["vpc-connection"]
    assert job["security_configuration"] == "options-job-security"
    arguments = job["default_arguments"]
    assert (
        arguments["--extra-py-files"] == "s3://options-artifacts/runtime.zip,s3://options-artifacts/extra.zip"
    )
    assert arguments["--conf"].endswith(
        " --conf spark.sql.catalog.lake.warehouse=s3://options-lake/warehouse/"
        " --conf spark.sql.shuffle.partitions=64"
    )
    assert arguments["--TempDir"] == "s3://options-artifacts/tmp/"
    assert arguments["--enable-metrics"] == "false"
    assert arguments["--job-bookmark-option"] == "job-bookmark-disable"
    assert "--extra-jars" not in arguments and "--additional-python-modules" not in arguments
    encryption = planned["module.glue_job.aws_glue_security_configuration.this[0]"][
        "encryption_configuration"
    ][0]
    assert encryption["s3_encryption"] == [{"s3_encryption_mode": "SSE-KMS", "kms_key_arn": KMS}]
    assert encryption["cloudwatch_encryption"][0]["cloudwatch_encryption_mode"] == "SSE-KMS"
    assert encryption["job_bookmarks_encryption"][0]["job_bookmarks_encryption_mode"] == "CSE-KMS"


def test_artifacts_use_sse_kms_with_the_given_key(planned: dict) -> None:
    obj = planned['module.artifacts.aws_s3_object.this["plans/p.json"]']
    assert (obj["key"], obj["server_side_encryption"], obj["kms_key_id"]) == ("plans/p.json", "aws:kms", KMS)
    assert obj["content_type"] == "application/octet-stream"


def test_catalog_locations_default_under_the_warehouse_unless_given(planned: dict) -> None:
    bronze = planned['module.catalog.aws_glue_catalog_database.this["options_bronze"]']
    ops = planned['module.catalog.aws_glue_catalog_database.this["options_ops"]']
    assert bronze["location_uri"] == "s3://options-lake/warehouse/options_bronze.db/"
    assert ops["location_uri"] == "s3://options-evidence/ops/"


def test_express_state_machine_without_tracing_logs_errors_to_an_encrypted_group(planned: dict) -> None:
    machine = planned["module.orchestration.aws_sfn_state_machine.this"]
    assert machine["type"] == "EXPRESS"
    assert machine["tracing_configuration"] == [{"enabled": False}]
    logging = machine["logging_configuration"][0]
    assert (logging["level"], logging["include_execution_data"]) == ("ERROR", False)
    group = planned["module.orchestration.aws_cloudwatch_log_group.this"]
    assert (group["retention_in_days"], group["kms_key_id"]) == (30, KMS)
    policy = json.loads(planned["module.orchestration.aws_iam_role_policy.this[0]"]["policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["RunGlueJobs", "DeliverExecutionLogs"]  # no X-Ray


def test_disabled_rate_schedule_fires_on_time_with_a_cmk(planned: dict) -> None:
    schedule = planned["module.schedule.aws_scheduler_schedule.this"]
    assert (schedule["schedule_expression"], schedule["state"]) == ("rate(1 hour)", "DISABLED")
    assert schedule["schedule_expression_timezone"] == "UTC"
    assert schedule["flexible_time_window"] == [{"mode": "OFF", "maximum_window_in_minutes": None}]
    assert schedule["kms_key_arn"] == KMS
    assert json.loads(schedule["target"][0]["input"]) == {"source": "schedule"}


def test_flexible_window_without_a_width_is_refused(terraform: Terraform, tmp_path: Path) -> None:
    """Refused while planning, before any API call: no AWS needed."""
    root = copy_fixture_root(tmp_path, "options_root")
    write_offline_provider_override(root)
    main = root / "main.tf"
    main.write_text(
        main.read_text(encoding="utf-8").replace(
            'state               = "DISABLED"', 'flexible_time_window_mode = "FLEXIBLE"'
        ),
        encoding="utf-8",
    )
    terraform.init(root)
    result = terraform.run(root, "plan", "-input=false", check=False)
    assert result.returncode != 0
    assert "maximum_window_in_minutes is required when flexible_time_window_mode is FLEXIBLE" in " ".join(
        result.stderr.split()
    )
