"""Evidence values: Python values checked and converted to the type of their evidence column.

``evidence_values`` turns a table's rows (dicts) into tuples in column order, refusing columns the
table does not have; ``to_json_text`` is the JSON of every ``*_json`` column.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from contractforge_runtime.evidence import schema as evidence_schema

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def evidence_values(table: str, rows: list[dict]) -> list[tuple]:
    """``rows`` of evidence table ``table`` as tuples in column order, each value converted."""
    definition = evidence_schema.evidence_table(table)
    known = set(definition.column_names)
    values = []
    for row in rows:
        unknown = sorted(set(row) - known)
        if unknown:
            raise ValueError(f"{table}: unknown evidence column(s) {unknown}")
        row = _with_defaults(definition, row)
        values.append(tuple(_convert(table, c.name, c.type, row.get(c.name)) for c in definition.columns))
    return values


def _with_defaults(definition, row: dict) -> dict:
    if "ctrl_schema_version" in definition.column_names and row.get("ctrl_schema_version") is None:
        row = {**row, "ctrl_schema_version": evidence_schema.CTRL_SCHEMA_VERSION}
    return row


def to_json_text(value: Any) -> str:
    """JSON used in every *_json evidence column: sorted keys, non-JSON values stringified."""
    return json.dumps(value, sort_keys=True, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str) if not isinstance(value, tuple) else list(value)
    return str(value)


def _convert(table: str, column: str, sql_type: str, value: Any) -> Any:
    if value is None:
        return None
    try:
        return _CONVERTERS[sql_type](value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{table}.{column} ({sql_type}): cannot store {value!r}: {exc}") from None


def _to_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list | tuple):
        return to_json_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _to_timestamp(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = datetime.fromtimestamp(value, tz=UTC)
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        raise TypeError("expected datetime, ISO string or epoch seconds")
    # Naive values are UTC by convention; aware ones are converted. pyspark turns naive datetimes
    # into instants with the *Python process* time zone, so always hand it an aware value.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    raise TypeError("expected date, datetime or ISO string")


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise TypeError("expected a boolean")


def _to_bigint(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal) and value == int(value):
        return int(value)
    if isinstance(value, str):
        return int(value.strip())
    raise TypeError("expected an integer")


def _to_double(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError("expected a number")
    return float(value)


_CONVERTERS = {
    "STRING": _to_string,
    "TIMESTAMP": _to_timestamp,
    "DATE": _to_date,
    "BOOLEAN": _to_bool,
    "BIGINT": _to_bigint,
    "DOUBLE": _to_double,
}
