"""The typed run-plan view and schemas/run-plan.v1.schema.json agree, and the view reads real plans."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
from contractforge_runtime import plan_view as v

from tests.runtime.plan_factory import run_plan as make_plan

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "run-plan.v1.schema.json").read_text())
DEFS = SCHEMA["$defs"]
PROPS = SCHEMA["properties"]

# every object of the schema that has named properties → the view class that mirrors it
MIRRORS = {
    "run plan": (SCHEMA, v.PlanView),
    "project": (PROPS["project"], v.ProjectView),
    "step": (PROPS["step"], v.StepView),
    "contract": (PROPS["contract"], v.ContractView),
    "evidence": (PROPS["evidence"], v.EvidenceView),
    "target": (DEFS["target"], v.TargetView),
    "write": (DEFS["write"], v.WriteView),
    "source": (DEFS["source"], v.SourceView),
    "preparation": (DEFS["preparation"], v.PreparationView),
    "quality": (DEFS["quality"], v.QualityView),
    "run": (DEFS["run"], v.RunSettingsView),
    "static_ids": (DEFS["run"]["properties"]["static_ids"], v.StaticIdsView),
    "metadata": (DEFS["metadata"], v.MetadataView),
}
VIEW_ONLY = {"raw"}  # the dict a view was read from

# objects of the schema the runtime keeps as the plan's dicts (read by the stage that owns them)
KEPT_AS_DICTS = {
    "preparation.deduplicate",
    "preparation.deduplicate.order_by[]",
    "preparation.standardize{}",
    "quality.rules[]",  # quality.evaluate reads the rule dicts
    "metrics",  # governance.metrics reads the dict
    "lake_formation",  # governance.lake_formation reads the dict
}


def _objects(node, path, found):
    """(path, node) of every object with named properties, following properties, $ref, items,
    additionalProperties and oneOf (allOf/if/then only narrow objects found anyway)."""
    if "$ref" in node:
        node = DEFS[node["$ref"].rsplit("/", 1)[1]]
    if node.get("properties"):
        found.append((path, node))
        for key, value in node["properties"].items():
            _objects(value, f"{path}.{key}" if path else key, found)
    if isinstance(node.get("items"), dict):
        _objects(node["items"], f"{path}[]", found)
    if isinstance(node.get("additionalProperties"), dict):
        _objects(node["additionalProperties"], f"{path}{{}}", found)
    for option in node.get("oneOf", []):
        _objects(option, path, found)
    return found


@pytest.mark.parametrize("name", sorted(MIRRORS))
def test_every_schema_property_has_a_field_and_back(name):
    schema, view = MIRRORS[name]
    properties = set(schema["properties"])
    field_names = {f.name for f in fields(view)} - VIEW_ONLY
    assert properties - field_names == set(), f"{view.__name__} lacks {sorted(properties - field_names)}"
    assert field_names - properties == set(), f"{view.__name__} has extra {sorted(field_names - properties)}"


def test_every_schema_object_is_mirrored_or_kept_as_a_dict():
    mirrored = {id(schema) for schema, _ in MIRRORS.values()}
    unmirrored = {path for path, node in _objects(SCHEMA, "", []) if id(node) not in mirrored}
    assert unmirrored == KEPT_AS_DICTS


def test_view_reads_a_full_plan():
    plan = make_plan(
        "view_step",
        "db",
        "t",
        {
            "type": "csv",
            "family": "files",
            "format": "csv",
            "path": "s3://b/in/",
            "options": {"header": "true"},
        },
        {"mode": "scd1_upsert", "merge_keys": ["id"]},
        rules=[{"name": "id_not_null", "kind": "not_null", "columns": ["id"], "severity": "abort"}],
    )
    view = v.PlanView.of(plan)
    assert view.raw is plan
    assert view.target.identifier == "glue_catalog.db.t"
    assert view.write.mode == "scd1_upsert" and view.write.merge_keys == ("id",)
    assert view.source.family == "files" and view.source.options == {"header": "true"}
    assert view.source.raw is plan["source"]
    assert view.quality.rules[0]["name"] == "id_not_null"
    assert view.run.lock_ttl_minutes == 60 and view.run.static_ids.parent_run_id is None
    assert view.step.expected_result == "success" and view.metadata.owner == "tests"
    assert view.evidence.database == "db_ops"
    with pytest.raises(AttributeError):
        view.write.mode = "scd0_append"  # frozen


def test_view_decides_nothing_absent_parts_read_as_none_or_empty():
    view = v.PlanView.of({"target": {"identifier": "glue_catalog.db.t"}, "source": {"family": "files"}})
    assert view.write.schema_policy is None and view.write.merge_keys == ()
    assert view.quality.on_quality_fail is None and view.quality.rules == ()
    assert view.run.idempotency_policy is None and view.run.lock_ttl_minutes is None
    assert view.run.static_ids is None and view.evidence is None
    assert view.preparation.select_columns == () and view.metadata.tags == ()
    assert view.metadata.operations == {} and view.source.raw == {"family": "files"}
