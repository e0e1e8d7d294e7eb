"""``source`` section of the run plan: one normalised mapping per reader family (docs/run-plan.md).

Everything is resolved here so the runtime never re-interprets YAML: canonical type and
format, Spark option strings, JDBC table/query/partitioning, REST defaults, table refs
substituted by Iceberg identifiers. Secrets stay ``{{ secret:… }}`` placeholders. What each
family adds is its own ``section`` (``contractforge.source_families``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contractforge.source_families import FAMILIES, ReadKind, SectionInputs

RefResolver = Callable[[str, str, str | None, str | None, tuple], str]  # layer, table, schema, catalog, path


def build_source(source: dict[str, Any], kind: ReadKind, resolve_ref: RefResolver,
                 substitute_sql: Callable[[str, tuple], tuple[str, list[str]]],
                 default_database: str | None = None) -> dict[str, Any]:  # fmt: skip
    plan: dict[str, Any] = {
        "type": kind.type,
        "family": kind.family,
        "system": source.get("system"),
        "name": source.get("name"),
    }
    family = FAMILIES.get(kind.family)
    if family is not None and family.section is not None:
        plan.update(
            family.section(source, kind, SectionInputs(resolve_ref, substitute_sql, default_database))
        )
    return plan
