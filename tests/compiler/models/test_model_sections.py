"""Annotations, operations, access, environment, project and connection models."""

from __future__ import annotations

import pytest
from contractforge.models import Access, Annotations, ConnectionFile, Environment, Operations, Project
from pydantic import ValidationError


def test_annotations():
    annotations = Annotations.model_validate(
        {
            "table": {
                "description": "",
                "aliases": "a, b",
                "tags": {"k": "v"},
                "deprecated": {"since": "2026-01", "replacement": "t2"},
            },
            "columns": {"email": {"pii": {"type": "email", "sensitivity": "confidential"}}},
        }
    )
    assert annotations.policy == "warn" and annotations.table.description is None
    assert annotations.table.aliases == ("a", "b")
    pii = annotations.columns["email"].pii
    assert (pii.enabled, pii.type, pii.sensitivity) == (True, "email", "confidential")
    for bad in (
        {"columns": {"e": {"pii": True}}},
        {"columns": {"e": {"pii": {"type": "dna"}}}},
        {"table": {"deprecated": {"since": "x"}}},
        {"table": {"tags": {"k": ""}}},
    ):
        with pytest.raises(ValidationError):
            Annotations.model_validate(bad)


def test_operations_flat_owner_keys_move_under_ownership():
    operations = Operations.model_validate(
        {
            "criticality": "high",
            "technical_owner": "data-eng",
            "ownership": {"business_owner": "sales"},
            "owners": "a,b",
            "operations": {"expected_frequency": "daily"},
        }
    )
    assert (
        operations.ownership.technical_owner == "data-eng" and operations.ownership.business_owner == "sales"
    )
    assert operations.owners == ("a", "b") and operations.operations.expected_frequency == "daily"
    for bad in (
        {"frequency": "daily"},
        {"owner": {"business": "x"}},
        {"freshness_sla_minutes": 0},
        {"criticality": "urgent"},
    ):
        with pytest.raises(ValidationError):
            Operations.model_validate(bad)


def test_access_flat_policy_and_mask_map_form():
    access = Access.model_validate(
        {
            "mode": "validate_only",
            "on_drift": "fail",
            "grants": [{"principal": "arn:aws:iam::1:role/A", "privileges": "SELECT"}],
            "row_filters": [
                {"name": "eu", "function": "f", "columns": "region", "applies_to": {"principals": ["r"]}}
            ],
            "column_masks": {"email": {"function": "mask", "applies_to": {"principals": "support"}}},
        }
    )
    assert (
        access.access_policy.mode,
        access.access_policy.on_drift,
        access.access_policy.revoke_unmanaged,
    ) == ("validate_only", "fail", False)
    assert access.column_masks[0].column == "email" and access.column_masks[0].applies_to.principals == (
        "support",
    )
    with pytest.raises(ValidationError, match="expression"):
        Access.model_validate({"row_filters": [{"name": "x", "expression": "a = 1"}]})


ENV = {
    "name": "prod",
    "adapter": "aws",
    "evidence": {"database": "ops"},
    "artifacts": {"uri": "s3://a/", "include_contract_bundle": True, "layout": "contractforge-v1"},
    "runtime": {"runtime": "aws_glue_spark"},
    "parameters": {
        "aws": {
            "region": "us-east-1",
            "iceberg": {"warehouse": "s3://w/"},
            "dependencies": {"additional_python_modules": "pydantic>=2.7,PyYAML>=6"},
            "glue_job": {"role_arn": "arn"},
            "step_functions": {"role_arn": "sfn"},
            "scheduler": {"role_arn": "sched"},
            "job_bookmarks": {"enabled": True},
        }
    },
    "capabilities": {"require": "merge"},
}


def test_environment_typed_parts_and_wrapper():
    for data in (ENV, {"environment": ENV}):
        env = Environment.model_validate(data)
        assert env.evidence_database == "ops" and env.artifacts_uri == "s3://a/"
        assert env.aws.region == "us-east-1" and env.aws.scheduler.role_arn == "sched"
        assert env.aws.dependencies.additional_python_modules == ("pydantic>=2.7", "PyYAML>=6")
    assert (
        Environment.model_validate({"adapter": "aws", "evidence": {"schema": "x"}}).evidence_database == "x"
    )
    assert Environment.model_validate({"adapter": "aws"}).aws.glue_job is None


def test_environment_refuses_semantic_keys():
    with pytest.raises(ValidationError):
        Environment.model_validate({"adapter": "aws", "merge_keys": ["a"]})
    with pytest.raises(ValidationError):
        Environment.model_validate({"name": "x"})  # adapter is required


def test_project_model():
    project = Project.model_validate(
        {
            "name": "p",
            "source_system": {"name": "s", "provider": "s3"},
            "stable_surface": True,
            "environments": {"aws": "environments/aws.environment.yaml"},
            "defaults": {
                "schema_policy": {"bronze": "permissive"},
                "adapters": {"aws": {"schemas": {"bronze": "b"}}},
            },
            "deployment": {"aws": {"state_machine_name": "m"}},
            "schedule": {
                "cron": "0 6 * * *",
                "enabled": False,
                "adapters": {"aws": {"flexible_time_window": "OFF"}},
            },
            "execution_order": [
                {
                    "name": "a",
                    "contracts": {"aws": "a.yaml"},
                    "depends_on": "x, y",
                    "expected_result": "failed",
                }
            ],
            "validation": {"aws": {"anything": 1}},
            "cleanup": {"external_resources": [{"resource": "s3", "command": ["aws", "s3", "rm"]}]},
        }
    )
    assert project.execution_order[0].depends_on == ("x", "y") and project.schedule.timezone == "UTC"
    assert project.defaults.adapters["aws"].schemas == {"bronze": "b"}
    assert project.model_extra == {"stable_surface": True}
    for bad in (
        {"name": "p", "execution_order": [{"name": "a", "contract": {}}]},
        {"name": "p", "defaults": {"modes": "append"}},
        {"name": "p", "execution_order": [{"name": "a", "expected_result": "maybe"}]},
    ):
        with pytest.raises(ValidationError):
            Project.model_validate(bad)


def test_connection_file_root_or_source_child():
    root = {"type": "connector", "connector": "postgres", "url": "jdbc:postgresql://h/db"}
    assert ConnectionFile.model_validate(root).root.connector == "postgres"
    assert ConnectionFile.model_validate({"source": root}).root.url == "jdbc:postgresql://h/db"
