"""Every resource in every HCL module conforms to the provider schema; the checker catches mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.terraform.layout import FIXTURES_DIR, MODULE_NAMES, MODULES_DIR
from tests.terraform.provider_schema import (
    FULL_SCHEMA_PATH,
    SUBSET_PATH,
    SUBSET_TYPES,
    check_document,
    check_resource,
    iter_resources,
    load_hcl,
    load_schema,
)
from tests.terraform.provider_schema_terraform import TERRAFORM_TYPES

pytest.importorskip("hcl2")


def _module_documents(module: str) -> list[tuple[Path, dict]]:
    return [(path, load_hcl(path)) for path in sorted((MODULES_DIR / module).glob("*.tf"))]


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_every_module_resource_conforms_to_the_provider_schema(module: str) -> None:
    resources = []
    problems = []
    for path, document in _module_documents(module):
        resources.extend(iter_resources(document))
        problems.extend(f"{path.name}: {p}" for p in check_document(document))
    assert resources, f"module {module} declares no resources"
    assert problems == []


@pytest.mark.parametrize("root", ["minimal_root", "options_root"])
def test_fixture_roots_conform_to_the_provider_schema(root: str) -> None:
    for path in sorted((FIXTURES_DIR / root).glob("*.tf")):
        assert check_document(load_hcl(path)) == [], path.name


def test_modules_emit_only_resource_types_kept_in_the_subset() -> None:
    emitted = {
        resource_type
        for module in MODULE_NAMES
        for _, document in _module_documents(module)
        for resource_type, _, _ in iter_resources(document)
    }
    assert emitted <= {*SUBSET_TYPES, *TERRAFORM_TYPES}
    assert set(load_schema()["resources"]) == {*SUBSET_TYPES, *TERRAFORM_TYPES}


def _parse_hcl_text(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "main.tf"
    path.write_text(text, encoding="utf-8")
    return load_hcl(path)


GLUE_JOB_HCL = """
resource "aws_glue_job" "this" {
  name     = "orders"
  role_arn = "arn:aws:iam::123456789012:role/r"
  %s
  command {
    script_location = "s3://b/runner.py"
  }
}
"""


def test_a_misspelt_attribute_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    document = _parse_hcl_text(tmp_path, GLUE_JOB_HCL % 'worker_tpye = "G.1X"')
    messages = [str(p) for p in check_document(document)]
    assert messages == [
        "aws_glue_job.this.worker_tpye: unknown argument or block (did you mean 'worker_type'?)"
    ]


def test_a_misspelt_attribute_inside_a_nested_block_is_reported(tmp_path: Path) -> None:
    document = _parse_hcl_text(
        tmp_path, GLUE_JOB_HCL.replace("script_location =", "python_version = 3\n scriptlocation =")
    )
    messages = [str(p) for p in check_document(document)]
    assert "aws_glue_job.this.command.script_location: required attribute is missing" in messages
    assert any(m.startswith("aws_glue_job.this.command.scriptlocation: unknown") for m in messages)


def test_a_block_written_as_an_attribute_is_reported(tmp_path: Path) -> None:
    text = GLUE_JOB_HCL % "execution_property = { max_concurrent_runs = 1 }"
    messages = [str(p) for p in check_document(_parse_hcl_text(tmp_path, text))]
    assert messages == [
        "aws_glue_job.this.execution_property: is a nested block: write `name { ... }`, not an attribute value"
    ]


def test_an_attribute_written_as_a_block_is_reported(tmp_path: Path) -> None:
    text = GLUE_JOB_HCL % 'tags {\n owner = "x"\n }'
    messages = [str(p) for p in check_document(_parse_hcl_text(tmp_path, text))]
    assert messages == ["aws_glue_job.this.tags: is an attribute: write `name = value`, not a block"]


def test_missing_required_arguments_and_six_only_region_are_reported() -> None:
    body = {"name": "orders", "region": "eu-west-1", "command": {"name": "glueetl"}}
    messages = sorted(str(p) for p in check_resource("aws_glue_job", body))
    assert messages == [
        "aws_glue_job.command.script_location: required attribute is missing",
        "aws_glue_job.region: exists only in provider 6.x (per-resource region); the constraint >= 5.100, < 7.0 forbids it",
        "aws_glue_job.role_arn: required attribute is missing",
    ]


def test_terraform_json_roots_are_checked_too() -> None:
    root = {
        "//": "generated",
        "provider": {"aws": {"region": "us-east-1", "endpoints": [{"glue": "http://127.0.0.1:1"}]}},
        "resource": {
            "aws_sfn_state_machine": {
                "main": {
                    "name": "m",
                    "definition": "{}",
                    "role_arn": "${aws_iam_role.x.arn}",
                    "tracing_configuration": {"enabled": True},
                    "logging_configuration": [{"level": "ALL"}, {"level": "ERROR"}],
                    "arn": "x",
                    "depends_on": ["aws_iam_role.x"],
                }
            }
        },
    }
    messages = sorted(str(p) for p in check_document(root))
    assert messages == [
        "aws_sfn_state_machine.main.arn: is read-only (computed): it cannot be set",
        "aws_sfn_state_machine.main.logging_configuration: at most one block allowed, found 2",
    ]


def test_literal_values_of_the_wrong_type_are_reported() -> None:
    body = {
        "name": "orders",
        "role_arn": "${aws_iam_role.r.arn}",
        "command": {"script_location": "s3://b/r.py"},
        "number_of_workers": "two",
        "timeout": "60",  # Terraform converts numeric strings
        "connections": "vpc",
        "tags": ["a"],
        "default_arguments": "${local.arguments}",  # expressions are not judged
    }
    messages = sorted(str(p) for p in check_resource("aws_glue_job", body))
    assert messages == [
        'aws_glue_job.connections: expects list(string), got "vpc"',
        'aws_glue_job.number_of_workers: expects number, got "two"',
        'aws_glue_job.tags: expects map(string), got ["a"]',
    ]


def test_an_unknown_resource_type_is_reported() -> None:
    problems = check_resource("aws_glue_jobs", {"name": "x"})
    assert len(problems) == 1 and "not in the schema subset" in problems[0].message


def test_the_committed_subset_matches_the_shared_provider_schema() -> None:
    if not FULL_SCHEMA_PATH.is_file():
        pytest.skip("../shared/schemas/aws-provider-schema.json is not present on this machine")
    full = json.loads(FULL_SCHEMA_PATH.read_text(encoding="utf-8"))
    subset = json.loads(SUBSET_PATH.read_text(encoding="utf-8"))
    assert subset["provider_version"] == full["provider_version"]
    assert subset["provider_block"] == full["provider_block"]
    for name in SUBSET_TYPES:
        if name in subset.get("resource_sources", {}):  # taken from the provider itself, said where
            assert name not in full["resources"], f"{name} is now in the shared schema: take it from there"
            continue
        assert subset["resources"][name] == full["resources"][name], name
