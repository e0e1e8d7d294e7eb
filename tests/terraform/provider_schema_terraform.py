"""Schema entries taken from the real provider (``terraform providers schema -json``), same layout as the
shared subset (../shared/schemas/README.md).

The shared schema (6.25.0, from the CDKTF bindings) lacks the alerting, dashboard and Lake Formation governance
resources; their entries come from the provider the tests run (5.100.0 in the mirror):

    python -m tests.terraform.provider_schema_terraform schema.json   # rewrites the committed file
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

TERRAFORM_SUBSET_PATH = Path(__file__).resolve().parents[1] / "data" / "aws-provider-schema.terraform.json"
TERRAFORM_TYPES = (
    "aws_cloudwatch_dashboard",
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_event_target",
    "aws_cloudwatch_metric_alarm",
    "aws_lakeformation_data_cells_filter",
    "aws_lakeformation_lf_tag",
    "aws_sns_topic",
    "aws_sns_topic_policy",
    "aws_sns_topic_subscription",
)
_NESTING = {"single": "single", "list": "list", "set": "set", "map": "list"}


def _type(cty: Any) -> str:
    if isinstance(cty, str):
        return cty
    outer, inner = cty
    return f"{outer}({_type(inner)})" if isinstance(inner, (str, list)) else outer


def _block(block: dict[str, Any]) -> dict[str, Any]:
    attributes, computed = {}, []
    for name, spec in sorted((block.get("attributes") or {}).items()):
        if spec.get("computed") and not spec.get("optional") and not spec.get("required"):
            computed.append(name)
            continue
        entry = {"required": bool(spec.get("required")), "type": _type(spec.get("type", "string"))}
        if spec.get("computed"):
            entry["computed"] = True
        attributes[name] = entry
    blocks = {}
    for name, spec in sorted((block.get("block_types") or {}).items()):
        nested = _block(spec["block"])
        nested.pop("computed", None)
        nesting = _NESTING[spec["nesting_mode"]]
        if spec.get("max_items") == 1:
            nesting = "single"
        blocks[name] = {**nested, "nesting": nesting, "required": bool(spec.get("min_items"))}
    return {"attributes": attributes, "blocks": blocks, "computed": computed}


def convert(schema: dict[str, Any]) -> dict[str, Any]:
    provider = next(iter(schema["provider_schemas"].values()))
    resources = provider["resource_schemas"]
    return {"resources": {name: _block(resources[name]["block"]) for name in TERRAFORM_TYPES}}


if __name__ == "__main__":
    converted = convert(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
    converted["source"] = "terraform providers schema -json, hashicorp/aws 5.100.0"
    TERRAFORM_SUBSET_PATH.write_text(json.dumps(converted, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {TERRAFORM_SUBSET_PATH}")
