"""Project defaults resolver with a decision ledger and identity inference
(docs/contract-language.md#defaults-resolver).

Works on the raw contract mapping *before* the single model validation (so a contract is
validated once). Contract values always win; "missing" means absent, null, "", [] or {}.
Every fill is recorded as ``{"path", "value", "source", "reason"}``.

Fills: ``target.catalog`` / ``catalog_type`` / ``schema`` (``schemas.<layer>`` → ``schemas.default``
→ ``schema``), ``mode`` / ``schema_policy`` / ``on_quality_fail`` (value or layer map with
``default``), ``operations`` and ``annotations`` (nested merge, flat owner keys normalised), and
``transform.custom.output`` for custom transforms. Identity inference runs for every contract
(the original only did so under the bundle loader): with merge keys and a keyed mode (upsert,
hash diff, historical, snapshot) a missing ``unique_key`` becomes the merge keys and missing merge
keys are appended to ``not_null``.
"""

from __future__ import annotations

from typing import Any

from contractforge.models.base import split_list
from contractforge.models.governance import lift_owner_keys
from contractforge.models.write_modes import KEYED_MODES, canonical_mode

Decision = dict[str, Any]
_POLICY_KEYS = ("mode", "schema_policy", "on_quality_fail")


def is_missing(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or value == ()


def effective_defaults(defaults: dict[str, Any] | None, adapter: str | None) -> dict[str, tuple[Any, str]]:
    """Shared defaults overridden by ``defaults.adapters.<adapter>``: key → (value, source label)."""
    result: dict[str, tuple[Any, str]] = {}
    if not defaults:
        return result
    for key, value in defaults.items():
        if key != "adapters" and not is_missing(value):
            result[key] = (value, f"project.defaults.{key}")
    block = ((defaults.get("adapters") or {}).get(adapter) or {}) if adapter else {}
    for key, value in block.items():
        if is_missing(value):
            continue
        label = f"project.defaults.adapters.{adapter}.{key}"
        if isinstance(value, dict) and isinstance(result.get(key, (None,))[0], dict):
            value = {**result[key][0], **value}
        result[key] = (value, label)
    return result


def _by_layer(value: Any, layer: str) -> tuple[Any, str | None]:
    """A plain value, or the ``layer`` / ``default`` entry of a layer map."""
    if isinstance(value, dict):
        if layer in value:
            return value[layer], layer
        return value.get("default"), "default" if "default" in value else None
    return value, None


def _fill_missing(
    base: dict[str, Any], contract: dict[str, Any], path: str, source: str, decisions: list[Decision]
) -> dict[str, Any]:
    """Nested merge where ``contract`` wins; every leaf taken from ``base`` is a decision."""
    merged = dict(contract)
    for key, value in base.items():
        here = f"{path}.{key}"
        current = merged.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merged[key] = _fill_missing(value, current, here, f"{source}.{key}", decisions)
        elif is_missing(current) and not is_missing(value):
            merged[key] = value
            decisions.append(
                {
                    "path": here,
                    "value": value,
                    "source": f"{source}.{key}",
                    "reason": "project default (contract left it empty)",
                }
            )
    return merged


def resolve_defaults(
    mapping: dict[str, Any], defaults: dict[str, Any] | None, adapter: str | None
) -> tuple[dict[str, Any], list[Decision]]:
    """A new mapping with defaults and inferences applied, and the decision ledger.

    ``defaults`` is the raw ``project.yaml`` ``defaults`` mapping (or None). The input mapping is
    never mutated; only the sub-mappings that change are copied.
    """
    decisions: list[Decision] = []
    result = dict(mapping)
    eff = effective_defaults(defaults, adapter)

    def decide(path: str, value: Any, source: str, reason: str) -> None:
        decisions.append({"path": path, "value": value, "source": source, "reason": reason})

    layer_value = result.get("layer")
    layer_source = None
    if is_missing(layer_value) and "layer" in eff:
        layer_value, layer_source = eff["layer"]
    layer = layer_value if isinstance(layer_value, str) and layer_value else "bronze"

    target = result.get("target")
    if isinstance(target, dict) and eff:
        target = dict(target)
        for key in ("catalog", "catalog_type"):
            if is_missing(target.get(key)) and key in eff and isinstance(eff[key][0], str):
                target[key] = eff[key][0]
                decide(f"target.{key}", target[key], eff[key][1], "project default")
        if is_missing(target.get("schema")):
            schemas, schemas_source = eff.get("schemas", ({}, ""))
            picked = None
            if isinstance(schemas, dict):
                for name in (layer, "default"):
                    if not is_missing(schemas.get(name)):
                        picked = (
                            schemas[name],
                            f"{schemas_source}.{name}",
                            f"schema for layer '{layer}'"
                            + (f" (layer from {layer_source})" if layer_source else ""),
                        )
                        break
            if picked is None and "schema" in eff:
                picked = (eff["schema"][0], eff["schema"][1], "project default schema")
            if picked is not None:
                target["schema"] = picked[0]
                decide("target.schema", picked[0], picked[1], picked[2])
        result["target"] = target

    for key in _POLICY_KEYS:
        if is_missing(result.get(key)) and key in eff:
            value, entry = _by_layer(eff[key][0], layer)
            if not is_missing(value):
                result[key] = value
                source = eff[key][1] + (f".{entry}" if entry else "")
                decide(
                    key, value, source, f"project default for layer '{layer}'" if entry else "project default"
                )

    for section in ("operations", "annotations"):
        if section in eff and isinstance(eff[section][0], dict):
            base = eff[section][0]
            current = result.get(section)
            if section == "operations":
                base = lift_owner_keys(base)
                current = lift_owner_keys(current) if isinstance(current, dict) else current
            if current is None or isinstance(current, dict):
                result[section] = _fill_missing(base, current or {}, section, eff[section][1], decisions)

    _infer_identity(result, decide)
    _infer_custom_output(result, eff, decide)
    return result, decisions


def _infer_identity(result: dict[str, Any], decide: Any) -> None:
    mode = result.get("mode")
    canonical = canonical_mode(mode) if isinstance(mode, str) else None
    merge_keys = split_list(result.get("merge_keys"))
    if canonical not in KEYED_MODES or not isinstance(merge_keys, tuple) or not merge_keys:
        return
    if not all(isinstance(k, str) for k in merge_keys):
        return
    rules = result.get("quality_rules")
    if rules is not None and not isinstance(rules, dict):
        return  # shape error; validation reports it
    rules = dict(rules or {})
    reason = f"merge_keys imply row identity for mode '{canonical}'"
    identity = list(merge_keys)
    order = result.get("scd2_sequence_by") or result.get("scd2_effective_from_column")
    if canonical == "scd2_historical" and isinstance(order, str) and order:
        identity.append(order)  # history: several versions of a key, one per position in the order
    if is_missing(rules.get("unique_key")):
        rules["unique_key"] = identity
        decide("quality_rules.unique_key", identity, "inference.merge_keys", reason)
    not_null = split_list(rules.get("not_null"))
    if not_null is None or isinstance(not_null, tuple):
        present = list(not_null or ())
        added = [key for key in merge_keys if key not in present]
        if added:
            rules["not_null"] = present + added
            decide("quality_rules.not_null", present + added, "inference.merge_keys", reason)
    result["quality_rules"] = rules


def _infer_custom_output(result: dict[str, Any], eff: dict[str, tuple[Any, str]], decide: Any) -> None:
    source = result.get("source")
    transform = result.get("transform")
    if not (isinstance(source, dict) and str(source.get("type", "")).lower() == "custom_transform"):
        return
    if not isinstance(transform, dict) or not isinstance(transform.get("custom"), dict):
        return
    if not is_missing(transform["custom"].get("output")):
        return
    target = result.get("target") if isinstance(result.get("target"), dict) else {}
    schemas = eff.get("schemas", ({}, ""))[0] or {}
    tmp = None
    if isinstance(schemas, dict):
        tmp = schemas.get("tmp") or schemas.get("staging")
    tmp = tmp or eff.get("tmp_schema", (None, ""))[0] or target.get("schema")
    parts = [p for p in (target.get("catalog"), tmp, f"{target.get('table')}__custom_output") if p]
    output = ".".join(parts)
    result["transform"] = {**transform, "custom": {**transform["custom"], "output": output}}
    decide("transform.custom.output", output, "inference.custom_transform", "custom transform staging output")
