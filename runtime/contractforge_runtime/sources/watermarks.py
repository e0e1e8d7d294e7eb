"""Incremental watermarks shared by the JDBC and REST sources (docs/sources.md).

The previous watermark is read back from the latest ``ctrl_ingestion_state`` row
(``SourceContext.previous_state``) when it tracked the same column; otherwise the contract's
``incremental.watermark_value`` / ``incremental.initial_value`` seeds the first run. Values are
kept as text exactly as the source produced them, so they round-trip as SQL/HTTP literals.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def watermark_column(incremental: Mapping[str, Any] | None) -> str | None:
    incremental = incremental or {}
    column = incremental.get("watermark_column") or incremental.get("watermark")
    return str(column) if column else None


def unwrap_watermark(value: Any, column: str | None) -> str | None:
    """Plain text, or the typed payload ``{"<col>": {"type": t, "value": v}}`` → the column's value."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        payload: Any = value
    else:
        text = str(value)
        if not text.lstrip().startswith("{"):
            return text
        try:
            payload = json.loads(text)
        except ValueError:
            return text
    if not isinstance(payload, Mapping):
        return str(value)
    entry = payload.get(column) if column else None
    if entry is None and len(payload) == 1:
        entry = next(iter(payload.values()))
    if isinstance(entry, Mapping):
        entry = entry.get("value")
    return None if entry is None else str(entry)


def previous_watermark(
    incremental: Mapping[str, Any] | None, previous_state: Mapping[str, Any] | None
) -> tuple[str | None, str]:
    """(value, origin) where origin is ``state`` | ``contract`` | ``none``."""
    incremental = incremental or {}
    column = watermark_column(incremental)
    if previous_state:
        state_column = previous_state.get("watermark_column")
        if state_column in (None, "", column):
            value = unwrap_watermark(previous_state.get("watermark_value"), column)
            if value is not None:
                return value, "state"
    for key in ("watermark_value", "initial_value"):
        if incremental.get(key) is not None:
            return unwrap_watermark(incremental[key], column), "contract"
    return None, "none"


def describe(column: str | None, previous: str | None, current: str | None) -> dict[str, Any] | None:
    """The SourceResult.watermark dict; None when the source is not incremental."""
    if not column:
        return None
    return {"column": column, "previous": previous, "current": current if current is not None else previous}
