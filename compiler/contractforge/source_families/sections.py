"""Helpers of the families' run-plan sections: Spark option strings and plain mappings."""

from __future__ import annotations

import json
from typing import Any


def option_text(value: Any) -> str | None:
    """Spark reader options are strings; booleans are lower-case (docs/run-plan.md)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def options(mapping: Any, drop: tuple[str, ...] = ()) -> dict[str, str]:
    if not isinstance(mapping, dict):
        return {}
    return {str(k): option_text(v) for k, v in sorted(mapping.items()) if k not in drop and v is not None}


def plain(mapping: Any) -> dict[str, Any]:
    return {k: v for k, v in sorted(mapping.items()) if v is not None} if isinstance(mapping, dict) else {}


def json_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else str(value)
