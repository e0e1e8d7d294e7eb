"""Nothing accepted silently: every key the environment, annotations, operations and access models and
``extensions.aws`` accept changes the compiled tree (run plans included) or yields a diagnostic.

The keys are enumerated from the pydantic models themselves (a new field fails this test until it has
an effect or a diagnostic). Each key gets a valid changed value (a generic one by type, or a specific
one below); the project is planned and rendered in memory and compared with the unchanged one.
Not covered here: the ingestion contract's own fields and the source families (their effect on the run
plan is the subject of tests/compiler/runplan and the truth table).
"""

from __future__ import annotations

import shutil
import types
import typing
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from contractforge.api import contract_bundle_files, plan_project
from contractforge.errors import ContractForgeError
from contractforge.models import Access, Annotations, Environment, Operations
from contractforge.models.aws_extension import AwsExtension
from contractforge.render.build import CompileOptions, render_build
from contractforge.render.inputs import load_module_files
from pydantic import BaseModel

from tests.compiler.render.golden import FIXED_RUNTIME

FIXTURE = Path(__file__).resolve().parents[2] / "terraform" / "fixtures" / "governance_project"
CONTRACT_DIR = "contracts/aws/bronze/b_customers"
FILES = {
    "environment": "environments/aws.environment.yaml",
    "annotations": f"{CONTRACT_DIR}/b_customers.annotations.yaml",
    "operations": f"{CONTRACT_DIR}/b_customers.operations.yaml",
    "access": f"{CONTRACT_DIR}/b_customers.access.yaml",
    "extensions.aws": f"{CONTRACT_DIR}/b_customers.ingestion.yaml",
}
ROOT_MODELS = {
    "environment": Environment,
    "annotations": Annotations,
    "operations": Operations,
    "access": Access,
    "extensions.aws": AwsExtension,
}
ARN = "arn:aws:iam::123456789012:role/Other"
DEPRECATION = {"since": "2026-01", "replacement": "other"}
# Keys whose effect needs another project shape; where that is proved.
COVERED_ELSEWHERE = {
    "environment.parameters.aws.job_bookmarks.enabled": "incremental sources only: tests/compiler/planner",
    "environment.parameters.aws.job_bookmarks.enable_job_bookmark": "incremental sources only: tests/compiler/planner",
    "environment.parameters.aws.glue_job.enable_job_bookmark": "incremental sources only: tests/compiler/planner",
    "extensions.aws.job_bookmarks.enabled": "incremental sources only: tests/compiler/planner",
    "extensions.aws.job_bookmarks.enable_job_bookmark": "incremental sources only: tests/compiler/planner",
    "extensions.aws.glue_job.enable_job_bookmark": "incremental sources only: tests/compiler/planner",
}
# Validation-only keys: a conflicting value is refused at file:line (their effect is the check).
CHECKS = {
    "environment.adapter": "gcp",
    "annotations.target": {"table": "other_table"},
    "operations.target": {"table": "other_table"},
    "access.target": {"table": "other_table"},
}
# Aliases: proved with the primary key removed.
ALIASES = {"environment.artifacts.path": "uri", "environment.evidence.schema": "database"}
# Values for keys a generic value would not pass validation with (or would not change).
SPECIFIC: dict[str, Any] = {
    "environment.name": "renamed",
    "environment.artifacts.uri": "s3://other-artifacts/prefix/",
    "environment.artifacts.path": "s3://other-artifacts/prefix/",
    "environment.evidence.database": "other_ops",
    "environment.evidence.schema": "other_ops",
    "environment.parameters.aws.region": "eu-west-1",
    "environment.parameters.aws.iceberg.warehouse": "s3://other-lake/warehouse/",
    "environment.parameters.aws.iceberg.table_properties": {"write.format.default": "orc"},
    "environment.parameters.aws.glue_job.role_arn": ARN,
    "environment.parameters.aws.glue_job.glue_version": "4.0",
    "environment.parameters.aws.glue_job.worker_type": "G.2X",
    "environment.parameters.aws.glue_job.execution_class": "FLEX",
    "environment.parameters.aws.glue_job.spark_conf": {"spark.sql.shuffle.partitions": "8"},
    "environment.parameters.aws.glue_job.default_arguments": {"--enable-metrics": "true"},
    "environment.parameters.aws.glue_job.security_configuration": "cf-security",
    "environment.parameters.aws.glue_job.connections": ["crm-vpc"],
    "environment.parameters.aws.glue_job.connection_names": ["crm-vpc"],
    "environment.parameters.aws.dependencies.jars": ["s3://libs/x.jar"],
    "environment.parameters.aws.dependencies.extra_jars": ["s3://libs/x.jar"],
    "environment.parameters.aws.dependencies.py_files": ["s3://libs/x.zip"],
    "environment.parameters.aws.dependencies.extra_py_files": ["s3://libs/x.zip"],
    "environment.parameters.aws.dependencies.python_modules": ["requests==2.32.3"],
    "environment.parameters.aws.dependencies.additional_python_modules": ["requests==2.32.3"],
    "environment.parameters.aws.step_functions.role_arn": ARN,
    "environment.parameters.aws.step_functions.type": "EXPRESS",
    "environment.parameters.aws.step_functions.state_machine_name": "other-machine",
    "environment.parameters.aws.step_functions.state_machine_arn": "arn:aws:states:us-east-1:123456789012:stateMachine:x",
    "environment.parameters.aws.scheduler.role_arn": ARN,
    "environment.parameters.aws.lake_formation": False,
    "environment.parameters.aws.lake_formation.enabled": False,
    "environment.artifacts.include_manifest": False,
    "environment.artifacts.include_rendered_artifacts": False,
    "environment.parameters.aws.lake_formation.catalog_id": "210987654321",
    "environment.parameters.aws.alerts.topic_arn": "arn:aws:sns:us-east-1:123456789012:ops",
    "environment.parameters.aws.alerts.subscriptions": [
        {"protocol": "sqs", "endpoint": "arn:aws:sqs:us-east-1:1:q"}
    ],
    "environment.parameters.aws.alerts.subscriptions.protocol": None,  # covered by the list above
    "environment.parameters.aws.alerts.subscriptions.endpoint": None,
    "environment.parameters.aws.glue_job.runtime_mode": "library_runner",
    "environment.parameters.aws.glue_job.script_s3_uri": "s3://other/script.py",
    "environment.capabilities.require": ["streaming"],
    "environment.capabilities.prefer": ["streaming"],
    "environment.capabilities.forbid": ["streaming"],
    "annotations.table.deprecated": DEPRECATION,
    "annotations.columns": {"region": {"description": "Changed."}},
    "annotations.columns.description": "Changed.",
    "access.access_policy": {"mode": "validate_only"},
    "access.row_filters": [
        {"name": "us", "function": "f", "columns": ["region"], "predicate": "region = 'US'"}
    ],
    "access.column_masks": [{"column": "region", "function": "m"}],
    "access.column_masks.applies_to": {"principals": [ARN]},
    "annotations.target.table": None,  # the target block is a compatibility check, covered above
    "annotations.target.catalog": None,
    "annotations.target.schema": None,
    "operations.target.table": None,
    "operations.target.catalog": None,
    "operations.target.schema": None,
    "access.target.table": None,
    "access.target.catalog": None,
    "access.target.schema": None,
    "annotations.policy": "fail",
    "operations.runbook_url": "https://wiki.example.com/other",
    "operations.owners": ["someone@example.com"],
    "operations.groups": ["team@example.com"],
    "access.grants": [{"principal": ARN, "privileges": ["SELECT"]}],
    "access.grants.principal": None,
    "access.grants.privileges": None,
    "access.row_filters.predicate": "region = 'US'",
    "access.row_filters.applies_to.principals": [ARN],
    "access.column_masks.applies_to.principals": [ARN],
    "access.column_masks.column": "region",
    "access.column_masks.using_columns": ["region"],
    "access.access_policy.mode": "validate_only",
    "access.access_policy.on_drift": "fail",
    "access.access_policy.revoke_unmanaged": True,
    "extensions.aws.iceberg.warehouse": "s3://other-lake/warehouse/",
    "extensions.aws.iceberg.partition_by": ["region"],
    "extensions.aws.iceberg.table_properties": {"write.format.default": "orc"},
    "extensions.aws.glue_job.role_arn": ARN,
    "extensions.aws.glue_job.glue_version": "4.0",
    "extensions.aws.glue_job.worker_type": "G.2X",
    "extensions.aws.glue_job.execution_class": "FLEX",
    "extensions.aws.glue_job.name": "custom-job",
    "extensions.aws.glue_job.spark_conf": {"spark.sql.shuffle.partitions": "8"},
    "extensions.aws.glue_job.default_arguments": {"--enable-metrics": "true"},
    "extensions.aws.glue_job.security_configuration": "cf-security",
    "extensions.aws.glue_job.connections": ["crm-vpc"],
    "extensions.aws.glue_job.connection_names": ["crm-vpc"],
    "extensions.aws.glue_job.runtime_mode": "library_runner",
    "extensions.aws.glue_job.script_s3_uri": "s3://other/script.py",
    "extensions.aws.dependencies.jars": ["s3://libs/x.jar"],
    "extensions.aws.dependencies.extra_jars": ["s3://libs/x.jar"],
    "extensions.aws.dependencies.py_files": ["s3://libs/x.zip"],
    "extensions.aws.dependencies.extra_py_files": ["s3://libs/x.zip"],
    "extensions.aws.dependencies.python_modules": ["requests==2.32.3"],
    "extensions.aws.dependencies.additional_python_modules": ["requests==2.32.3"],
    "environment.parameters.aws.write.max_delete_ratio": 0.5,
    "extensions.aws.write.max_delete_ratio": 0.5,
    "environment.parameters.aws.packing.layout": "project",
    "environment.parameters.aws.packing.groups": {"customers": ["bronze_customers"]},
    "environment.parameters.aws.maintenance.schedule": "rate(7 days)",
}

# Keys of a block with a required neighbour: proved against a baseline that has the neighbour.
NEIGHBOURS: dict[str, dict[str, Any]] = {
    "environment.parameters.aws.maintenance": {"schedule": "rate(7 days)"},
}


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional / Union / Annotated / tuple[...]."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    if origin is tuple:
        return [t for arg in typing.get_args(annotation) if arg is not Ellipsis for t in _unwrap(arg)]
    return [annotation]


def _keys(model: type[BaseModel], prefix: str) -> list[tuple[str, Any]]:
    found = []
    for name, field in model.model_fields.items():
        key = f"{prefix}.{field.alias or name}"
        found.append((key, field.annotation))
        for inner in _unwrap(field.annotation):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                found += _keys(inner, key)
    return found


ALL_KEYS = sorted({k: a for section, model in ROOT_MODELS.items() for k, a in _keys(model, section)}.items())


def _is_container(annotation: Any) -> bool:
    """A block whose effect is its fields' (each enumerated on its own)."""
    kinds = [k for k in _unwrap(annotation) if k is not type(None)]
    return bool(kinds) and all(isinstance(k, type) and issubclass(k, BaseModel) for k in kinds)


LEAF_KEYS = [
    k for k, a in ALL_KEYS
    if SPECIFIC.get(k, "") is not None and k not in COVERED_ELSEWHERE and (k in SPECIFIC or k in CHECKS or not _is_container(a))
]  # fmt: skip


def _generic(annotation: Any, current: Any) -> Any:
    kinds = _unwrap(annotation)
    literal = next((k for k in kinds if typing.get_origin(k) is Literal), None)
    if literal is not None:
        return next(v for v in typing.get_args(literal) if v != current)
    if bool in kinds:
        return not current
    if int in kinds:
        return (current or 0) + 7
    if any(typing.get_origin(k) is dict or k is dict for k in kinds):
        return {"contractforge_test": "1"}
    if str in kinds:
        return "changed"
    if any(isinstance(k, type) and issubclass(k, BaseModel) for k in kinds):
        return {}
    return ["changed"]


def _tree(project: Path) -> tuple[dict[str, bytes], set[str]]:
    plan = plan_project(project)
    codes = {d.code + ":" + (d.field or "") for d in plan.diagnostics}
    codes |= {f"{s.name}:{d.code}:{d.field or ''}" for s in plan.steps for d in s.diagnostics}
    if plan.has_blockers:
        return {}, codes
    options = CompileOptions(contract_files=contract_bundle_files(plan))
    return render_build(plan, options, load_module_files(), FIXED_RUNTIME).files, codes


def _set(document: dict, path: list[str], value: Any) -> None:
    """Set ``path`` in the YAML document; a list of mappings gets the value in its first item."""
    node = document
    for part in path[:-1]:
        child = node.get(part)
        if isinstance(child, list):
            child = child[0]
        elif not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[path[-1]] = value


def _current(document: dict, path: list[str]) -> Any:
    node: Any = document
    for part in path:
        node = node[0] if isinstance(node, list) and node else node
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> tuple[dict[str, bytes], set[str]]:
    project = tmp_path_factory.mktemp("baseline") / "p"
    shutil.copytree(FIXTURE, project)
    return _tree(project)


@pytest.mark.parametrize("key", LEAF_KEYS)
def test_key_changes_the_tree_or_yields_a_diagnostic(key, baseline, tmp_path):
    section = next(s for s in FILES if key == s or key.startswith(s + "."))
    path = key[len(section) + 1 :].split(".")
    if section == "extensions.aws":
        path = ["extensions", "aws", *path]
    if section == "annotations" and path[0] == "columns" and len(path) > 1:
        path = ["columns", "segment", *path[1:]]  # a column's field: on an annotated column
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    file = project / FILES[section]
    document = yaml.safe_load(file.read_text()) or {}
    block = next((b for b in NEIGHBOURS if key.startswith(b + ".")), None)
    if block is not None and path[-1] not in NEIGHBOURS[block]:  # a baseline with the required keys
        for name, neighbour in NEIGHBOURS[block].items():
            _set(document, [*path[:-1], name], neighbour)
        file.write_text(yaml.safe_dump(document, sort_keys=False))
        baseline = _tree(project)
    annotation = dict(ALL_KEYS)[key]
    value = CHECKS.get(key, SPECIFIC.get(key))
    if value is None:
        value = _generic(annotation, _current(document, path))
    if key in ALIASES:
        _current(document, path[:-1]).pop(ALIASES[key], None)
    if path[-2:-1] == ["deprecated"] and not _current(document, path[:-1]):
        _set(document, path[:-1], dict(DEPRECATION))
    _set(document, path, value)
    file.write_text(yaml.safe_dump(document, sort_keys=False))
    if key in CHECKS:
        with pytest.raises(ContractForgeError):
            _tree(project)
        return
    files, codes = _tree(project)
    base_files, base_codes = baseline
    said = bool(codes - base_codes) or any(c.endswith(":" + ".".join(path)) for c in codes)
    assert files != base_files or said, f"{key} = {value!r} changed nothing and said nothing"


def test_cleanup_plan_lists_the_external_resources_of_project_yaml(tmp_path):
    from contractforge.ops.cleanup_plan import cleanup_plan

    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    with (project / "project.yaml").open("a") as handle:
        handle.write(
            "cleanup:\n  external_resources:\n"
            "    - {resource: s3_bucket, name: governed-lake-us-east-1, purpose: landing and warehouse,"
            " command: [aws, s3, rb, 's3://governed-lake-us-east-1']}\n"
        )
    listed = [r for r in cleanup_plan(plan_project(project))["resources"] if r["kind"].startswith("external")]
    assert listed == [
        {
            "kind": "external:s3_bucket",
            "name": "governed-lake-us-east-1",
            "managed_by": "outside ContractForge",
            "purpose": "landing and warehouse",
            "command": ["aws", "s3", "rb", "s3://governed-lake-us-east-1"],
        }
    ]


@pytest.mark.parametrize(
    "section, key", [("evidence", "table_suffix"), ("parameters", "aws"), ("artifacts", "retention")]
)
def test_keys_no_model_declares_are_diagnosed(section, key, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    file = project / FILES["environment"]
    document = yaml.safe_load(file.read_text())
    target = document.setdefault(section, {})
    if key == "aws":
        target = target.setdefault("aws", {})
        key = "lakeformation"  # misspelt lake_formation
    target[key] = "x"
    file.write_text(yaml.safe_dump(document, sort_keys=False))
    found = {(d.code, d.field) for d in plan_project(project).diagnostics}
    assert any(code == "AWS_UNKNOWN_ENVIRONMENT_KEY" and field.endswith(key) for code, field in found), found
