"""The ``order_by`` mini-language of ``transform.deduplicate`` (docs/contract-language.md):
``"a desc nulls last, b"`` or a list of ``{column, direction, nulls}`` mappings. One parser for
validation (which refuses what it cannot read) and the run plan (which carries the parsed form).
"""

from __future__ import annotations

import re
from typing import Any

_ORDER_CLAUSE = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(asc|desc)?\s*(?:nulls\s+(first|last))?\s*$", re.I
)


def parse_order_by(value: Any) -> list[dict[str, Any]]:
    """``"a desc nulls last, b"`` or a list of mappings → ``[{column, direction, nulls}]``."""
    if value is None:
        return []
    if isinstance(value, str):
        items = []
        for clause in value.split(","):
            match = _ORDER_CLAUSE.match(clause)
            if not match:
                raise ValueError(
                    f"cannot read order_by clause '{clause.strip()}' (expected: col [ASC|DESC] [NULLS FIRST|LAST])"
                )
            column, direction, nulls = match.groups()
            items.append({"column": column, "direction": (direction or "desc").lower(),
                          "nulls": nulls.lower() if nulls else None})  # fmt: skip
        return items
    return [
        {"column": item["column"], "direction": str(item.get("direction") or "desc").lower(),
         "nulls": str(item["nulls"]).lower() if item.get("nulls") else None}
        for item in value
    ]  # fmt: skip
