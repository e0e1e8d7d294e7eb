"""``preparation`` (from the contract's YAML-spelling mapping, which it carries as written) and
``quality`` (from the typed ``QualityRules``) sections of the run plan
(docs/contract-language.md#shape-and-transform, #quality-rules).

Preparation keeps only the steps that are declared (absent key = skipped) in their canonical
spelling; quality turns ``quality_rules`` into an ordered list of rules with default severities.
"""

from __future__ import annotations

from typing import Any

from contractforge.models import IngestionContract, QualityRules
from contractforge.models.base import split_list
from contractforge.models.order_by import parse_order_by


def _names(value: Any) -> list[str]:
    return [str(v) for v in split_list(value) or ()]


def build_preparation(contract: dict[str, Any]) -> dict[str, Any]:
    transform = contract.get("transform") or {}
    shape = contract.get("shape") or transform.get("shape")
    steps: dict[str, Any] = {}
    if contract.get("select_columns"):
        steps["select_columns"] = _names(contract["select_columns"])
    if contract.get("column_mapping"):
        steps["column_mapping"] = dict(contract["column_mapping"])
    if shape:
        steps["shape"] = _inline_schema_refs(shape, contract.get("schemas") or {})
    if transform.get("cast"):
        steps["cast"] = dict(transform["cast"])
    if transform.get("standardize"):
        flags = ("trim", "lower", "upper", "normalize_whitespace", "empty_as_null")
        steps["standardize"] = {
            column: {flag: bool((spec or {}).get(flag, False)) for flag in flags}
            for column, spec in transform["standardize"].items()
        }
    if transform.get("derive"):
        steps["derive"] = dict(transform["derive"])
    if contract.get("filter_expression"):
        steps["filter_expression"] = contract["filter_expression"]
    if transform.get("composite_keys"):
        steps["composite_keys"] = {k: _names(v) for k, v in transform["composite_keys"].items()}
    dedupe = transform.get("deduplicate")
    if dedupe:
        steps["deduplicate"] = {
            "keys": _names(dedupe.get("keys")),
            "order_by": parse_order_by(dedupe.get("order_by")),
        }
    return steps


def _inline_schema_refs(shape: dict[str, Any], schemas: dict[str, str]) -> dict[str, Any]:
    """``parse_json[].schema_ref`` → ``schema`` (validation guarantees the name exists)."""
    if not any(item.get("schema_ref") for item in shape.get("parse_json") or ()):
        return shape
    parse_json = []
    for item in shape["parse_json"]:
        item = dict(item)
        ref = item.pop("schema_ref", None)
        if ref:
            item["schema"] = schemas[ref]
        parse_json.append(item)
    return {**shape, "parse_json": parse_json}


def build_quality(contract: IngestionContract) -> dict[str, Any]:
    rules_in = contract.quality_rules or QualityRules()
    rules: list[dict[str, Any]] = []
    if rules_in.required_columns:
        rules.append({"name": "required_columns", "kind": "required_columns",
                      "columns": list(rules_in.required_columns), "severity": "abort"})  # fmt: skip
    for column in rules_in.not_null or ():
        rules.append(
            {"name": f"{column}_not_null", "kind": "not_null", "columns": [column], "severity": "quarantine"}
        )
    if rules_in.unique_key:
        rules.append({"name": "unique_key", "kind": "unique_key", "columns": list(rules_in.unique_key),
                      "severity": "abort"})  # fmt: skip
    for column, values in (rules_in.accepted_values or {}).items():
        rules.append({"name": f"{column}_accepted_values", "kind": "accepted_values", "columns": [column],
                      "values": list(values), "severity": "quarantine"})  # fmt: skip
    if rules_in.min_rows:
        rules.append(
            {"name": "min_rows", "kind": "min_rows", "value": rules_in.min_rows, "severity": "abort"}
        )
    for column, ratio in (rules_in.max_null_ratio or {}).items():
        rules.append({"name": f"{column}_max_null_ratio", "kind": "max_null_ratio", "columns": [column],
                      "value": float(ratio), "severity": "warn"})  # fmt: skip
    for rule in rules_in.expressions or ():
        rules.append({"name": rule.name, "kind": "expression", "expression": rule.expression,
                      "severity": rule.severity, "message": rule.message})  # fmt: skip
    return {"on_quality_fail": contract.on_quality_fail, "rules": rules}
