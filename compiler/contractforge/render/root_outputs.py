"""Root ``variable``s (only what the environment leaves to the operator) and ``output``s of the compiled
root."""

from __future__ import annotations

from typing import Any

from contractforge.render.root_inputs import (
    ARTIFACT_BUCKET_TOKEN,
    REGION_TOKEN,
    RootInputs,
    lock_tables,
    value,
)
from contractforge.render.tf_json import escape, ref


def variables(inputs: RootInputs) -> dict[str, Any]:
    variables = {}
    if inputs.artifact_bucket == ARTIFACT_BUCKET_TOKEN:
        variables["artifact_bucket"] = {
            "type": "string",
            "description": "Existing S3 bucket for ContractForge artifacts (the environment has no artifacts.uri).",
        }
    if inputs.region == REGION_TOKEN:
        variables["region"] = {
            "type": "string",
            "description": "AWS region to deploy to (the environment has no parameters.aws.region).",
        }
    return variables


def outputs(inputs: RootInputs, modules: dict[str, Any]) -> dict[str, Any]:
    outputs: dict[str, Any] = {
        "evidence_database": {
            "description": "Glue database holding the ctrl_ingestion_* evidence tables.",
            "value": escape(inputs.plan.evidence_database),
        },
        "artifact_prefix": {
            "description": "S3 prefix holding run plans, runner script and runtime zip.",
            "value": value(f"s3://{inputs.artifact_bucket}/{inputs.artifact_prefix}"),
        },
        "runner_script_uri": {
            "description": "S3 URI of the Glue entry script.",
            "value": value(inputs.runner_uri),
        },
        "runtime_zip_uri": {
            "description": "S3 URI of the runtime package zip.",
            "value": value(inputs.runtime_zip_uri),
        },
    }
    if inputs.steps:
        outputs["glue_job_names"] = {
            "description": "Step name => Glue job name.",
            "value": ref("{for step, job in module.glue_jobs : step => job.job_name}"),
        }
        outputs["state_machine_arn"] = {
            "description": "ARN of the project's Step Functions state machine.",
            "value": ref("module.orchestration.state_machine_arn"),
        }
        outputs["state_machine_name"] = {
            "description": "Name of the project's Step Functions state machine.",
            "value": ref("module.orchestration.state_machine_name"),
        }
    if lock_tables(inputs):
        outputs["lock_table_name"] = {
            "description": "DynamoDB table holding the live target locks (contractforge locks PROJECT --env aws).",
            "value": ref("module.locks.table_name"),
        }
    if any(s.role_name for s in inputs.steps):
        outputs["glue_role_arns"] = {
            "description": "Step name => ARN of the Glue role created for it.",
            "value": ref("{for step, role in module.glue_roles : step => role.role_arn}"),
        }
    if inputs.steps:
        outputs["dashboard_name"] = {
            "description": "Name of the project's CloudWatch dashboard.",
            "value": ref("module.dashboard.dashboard_name"),
        }
    if "alerts" in modules:
        outputs["alert_topic_arn"] = {
            "description": "SNS topic receiving the project's failure, freshness and quality alerts.",
            "value": ref("module.alerts.topic_arn"),
        }
    if inputs.schedule is not None and inputs.steps:
        outputs["schedule_name"] = {
            "description": "Name of the EventBridge Scheduler schedule.",
            "value": ref("module.schedule.schedule_name"),
        }
    return outputs
