"""JSON Schemas of the contract file kinds, for editors' YAML plugins (``contractforge schema``)."""

from __future__ import annotations

from typing import Any

from contractforge.models import FILE_KINDS

SCHEMA_KINDS = tuple(FILE_KINDS)
_ID_BASE = "https://contractforge.dev/schemas/aws/"


def json_schema(kind: str) -> dict[str, Any]:
    model = FILE_KINDS[kind]
    schema = model.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{_ID_BASE}{kind}.schema.json"
    schema.setdefault("title", f"ContractForge {kind} file")
    return schema
