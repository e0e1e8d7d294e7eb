"""Project defaults with a decision ledger, and merge-key identity inference."""

from __future__ import annotations

from contractforge.loader.defaults import resolve_defaults

DEFAULTS = {
    "catalog": "shared_catalog",
    "schema_policy": {"bronze": "permissive", "default": "additive_only"},
    "on_quality_fail": "warn",
    "operations": {"technical_owner": "platform", "criticality": "medium"},
    "annotations": {"table": {"tags": {"team": "data"}}},
    "adapters": {
        "aws": {"catalog": "acme", "schemas": {"bronze": "billing_bronze", "default": "billing_misc"}},
        "gcp": {"catalog": "never"},
    },
}


def contract(**extra):
    return {"source": {"type": "csv", "path": "s3://x"}, "target": {"table": "t"}, **extra}


def by_path(decisions):
    return {d["path"]: d for d in decisions}


def test_adapter_defaults_override_shared_and_fill_target():
    resolved, decisions = resolve_defaults(contract(layer="bronze"), DEFAULTS, "aws")
    assert resolved["target"] == {"table": "t", "catalog": "acme", "schema": "billing_bronze"}
    ledger = by_path(decisions)
    assert ledger["target.catalog"]["source"] == "project.defaults.adapters.aws.catalog"
    assert ledger["target.schema"]["source"] == "project.defaults.adapters.aws.schemas.bronze"
    assert set(ledger["target.schema"]) == {"path", "value", "source", "reason"}


def test_layer_maps_pick_layer_then_default():
    bronze, _ = resolve_defaults(contract(layer="bronze"), DEFAULTS, "aws")
    silver, decisions = resolve_defaults(contract(layer="silver"), DEFAULTS, "aws")
    assert bronze["schema_policy"] == "permissive"
    assert silver["schema_policy"] == "additive_only" and silver["target"]["schema"] == "billing_misc"
    assert by_path(decisions)["schema_policy"]["source"] == "project.defaults.schema_policy.default"


def test_contract_values_always_win():
    resolved, decisions = resolve_defaults(
        contract(
            target={"table": "t", "catalog": "mine", "schema": "s"},
            schema_policy="strict",
            operations={"ownership": {"technical_owner": "me"}},
        ),
        DEFAULTS,
        "aws",
    )
    assert resolved["target"] == {"table": "t", "catalog": "mine", "schema": "s"}
    assert resolved["schema_policy"] == "strict"
    assert resolved["operations"]["ownership"]["technical_owner"] == "me"
    assert resolved["operations"]["criticality"] == "medium"
    paths = by_path(decisions)
    assert "target.catalog" not in paths and "operations.criticality" in paths


def test_empty_values_count_as_missing():
    resolved, _ = resolve_defaults(
        contract(on_quality_fail="", target={"table": "t", "catalog": None}), DEFAULTS, "aws"
    )
    assert resolved["on_quality_fail"] == "warn" and resolved["target"]["catalog"] == "acme"


def test_flat_owner_defaults_land_under_ownership():
    resolved, _ = resolve_defaults(contract(), DEFAULTS, "aws")
    assert resolved["operations"]["ownership"] == {"technical_owner": "platform"}
    assert resolved["annotations"] == {"table": {"tags": {"team": "data"}}}


def test_no_defaults_no_changes_and_input_not_mutated():
    original = contract(mode="append")
    resolved, decisions = resolve_defaults(original, None, None)
    assert resolved == original and decisions == []


def test_identity_inference_for_keyed_modes():
    original = contract(
        mode="hash-diff-upsert", merge_keys="id, region", quality_rules={"not_null": ["amount", "id"]}
    )
    resolved, decisions = resolve_defaults(original, None, None)
    assert resolved["quality_rules"]["unique_key"] == ["id", "region"]
    assert resolved["quality_rules"]["not_null"] == ["amount", "id", "region"]
    assert original["quality_rules"] == {"not_null": ["amount", "id"]}  # untouched
    ledger = by_path(decisions)
    assert ledger["quality_rules.unique_key"]["source"] == "inference.merge_keys"
    assert ledger["quality_rules.not_null"]["value"] == ["amount", "id", "region"]


def test_identity_inference_keeps_declared_unique_key_and_skips_append():
    resolved, _ = resolve_defaults(
        contract(mode="upsert", merge_keys=["id"], quality_rules={"unique_key": "id", "not_null": "id"}),
        None,
        None,
    )
    assert resolved["quality_rules"] == {"unique_key": "id", "not_null": "id"}
    appended, decisions = resolve_defaults(contract(mode="append", merge_keys=["id"]), None, None)
    assert "quality_rules" not in appended and decisions == []


def test_custom_transform_output_is_inferred():
    resolved, decisions = resolve_defaults(
        contract(
            source={"type": "custom_transform", "inputs": [{"alias": "a", "ref": "bronze.x"}]},
            target={"table": "t", "catalog": "acme"},
            transform={"custom": {"name": "n"}},
        ),
        {"schemas": {"tmp": "scratch"}},
        "aws",
    )
    assert resolved["transform"]["custom"]["output"] == "acme.scratch.t__custom_output"
    assert by_path(decisions)["transform.custom.output"]["source"] == "inference.custom_transform"
