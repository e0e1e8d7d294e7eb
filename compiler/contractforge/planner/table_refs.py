"""Targets of steps and the substitution of logical table refs in run plans
(docs/sources.md#catalog-sources-sql-and-table-refs).

Resolution itself happens in the loader (``loader/refs.py``); the planner refuses refs to a
layer no step of the project writes and warns about refs resolved by the layer convention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contractforge import naming

TABLE_REF_PLACEHOLDER = re.compile(
    r"\{\{\s*table_ref\s*:\s*([A-Za-z][A-Za-z0-9_-]*)\s*\.\s*([A-Za-z][A-Za-z0-9_-]*)\s*\}\}"
)


@dataclass(frozen=True)
class TargetInfo:
    catalog: str | None
    schema: str | None
    table: str
    layer: str

    @property
    def database(self) -> str:
        return naming.glue_database(self.catalog, self.schema)

    @property
    def identifier(self) -> str:
        return naming.iceberg_identifier(self.database, self.table)


class RefSubstitution:
    """Replaces the refs of one step with the identifiers the loader resolved (loader/refs.py).

    ``resolved`` maps ``(field, text as written)`` → identifier, e.g.
    ``("source.query", "{{ table_ref:bronze.b_orders }}")`` → ``glue_catalog.db.b_orders``.
    """

    def __init__(
        self, resolved: dict[tuple[str, str], str], by_layer_table: dict[tuple[str, str], str]
    ) -> None:
        self.resolved = resolved
        self.by_layer_table = by_layer_table

    def query(self, text: str, path: tuple) -> tuple[str, list[str]]:
        field = ".".join(str(p) for p in path)
        inputs: list[str] = []

        def replace(match: re.Match[str]) -> str:
            identifier = self.resolved.get((field, match.group(0))) or self.by_layer_table.get(
                (match.group(1), match.group(2))
            )
            if identifier is None:  # pragma: no cover - the loader resolves every ref it finds
                raise KeyError(match.group(0))
            if identifier not in inputs:
                inputs.append(identifier)
            return identifier

        return TABLE_REF_PLACEHOLDER.sub(replace, text), inputs

    def ref(self, layer: str, table: str, schema: str | None, catalog: str | None, path: tuple) -> str:
        field = ".".join(str(p) for p in path)
        for (ref_field, _text), identifier in self.resolved.items():
            if ref_field == field:
                return identifier
        return self.by_layer_table[(layer, table)]
