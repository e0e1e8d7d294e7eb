"""Logical table references (docs/sources.md#catalog-sources-sql-and-table-refs) resolved through the
project's own index.

Forms: ``{{ table_ref:<layer>.<table> }}`` inside ``source.query`` (and input queries),
``source.ref: layer.table`` and ``source.table_ref`` (string or ``{layer, table, schema?,
catalog?}``), and the same keys on ``source.inputs[]``. Resolution order:

1. explicit ``catalog``/``schema`` on a table_ref mapping → that namespace;
2. the project index: the step whose target has that layer and table;
3. the layer-suffix convention of the original: the *current* contract's namespace with a
   trailing ``_<layer>``/``.<layer>`` replaced by the referenced layer — with a warning
   ``TABLE_REF_UNRESOLVED`` because nothing in the project produces the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contractforge import naming
from contractforge.models import IngestionContract
from contractforge.models.source import GenericSource, TableRef

TABLE_REF_PATTERN = re.compile(
    r"\{\{\s*table_ref\s*:\s*([A-Za-z][A-Za-z0-9_-]*)\s*\.\s*([A-Za-z][A-Za-z0-9_-]*)\s*\}\}"
)
_DOTTED = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_-]*)\.([A-Za-z][A-Za-z0-9_-]*)\s*$")


@dataclass(frozen=True)
class TableRefUse:
    """One reference as written in a contract."""

    text: str  # as written: "{{ table_ref:bronze.b_orders }}", "bronze.b_orders", ...
    field: str  # dotted field path, e.g. "source.query", "source.inputs[0].ref"
    layer: str
    table: str
    schema: str | None = None
    catalog: str | None = None


@dataclass(frozen=True)
class ResolvedRef:
    step: str  # the step whose contract contains the reference
    use: TableRefUse
    identifier: str  # glue_catalog.<db>.<table>
    database: str
    producer: str | None  # the producing step, None when not produced in this project
    via: str  # "explicit" | "project_index" | "layer_convention"


@dataclass(frozen=True)
class TargetEntry:
    step: str
    layer: str
    table: str
    database: str
    identifier: str


def _from_value(value: object, field: str) -> list[TableRefUse]:
    if isinstance(value, TableRef):
        return [
            TableRefUse(
                f"{value.layer}.{value.table}",
                field,
                value.layer,
                value.table,
                value.schema_name,
                value.catalog,
            )
        ]
    if isinstance(value, str):
        match = _DOTTED.match(value)
        if match:
            return [TableRefUse(value, field, match.group(1), match.group(2))]
    return []


def _from_query(query: object, field: str) -> list[TableRefUse]:
    if not isinstance(query, str):
        return []
    return [TableRefUse(m.group(0), field, m.group(1), m.group(2)) for m in TABLE_REF_PATTERN.finditer(query)]


def find_table_refs(contract: IngestionContract) -> list[TableRefUse]:
    """Every logical table reference in the contract's source, in field order."""
    source = contract.source
    uses: list[TableRefUse] = []
    if isinstance(source, str):
        return uses
    uses += _from_query(getattr(source, "query", None), "source.query")
    if isinstance(source, GenericSource):
        uses += _from_value(source.ref, "source.ref")
        uses += _from_value(source.table_ref, "source.table_ref")
        for index, item in enumerate(source.inputs or ()):
            uses += _from_value(item.ref, f"source.inputs[{index}].ref")
            uses += _from_value(item.table_ref, f"source.inputs[{index}].table_ref")
            uses += _from_query(item.query, f"source.inputs[{index}].query")
    return uses


def target_entry(step: str, contract: IngestionContract) -> TargetEntry:
    database = naming.glue_database(contract.target.catalog, contract.target.schema_name)
    return TargetEntry(
        step,
        contract.layer,
        contract.target.table,
        database,
        naming.iceberg_identifier(database, contract.target.table),
    )


def _convention_database(contract: IngestionContract, ref_layer: str) -> str:
    """The original's rule: swap a trailing ``_<layer>`` / ``.<layer>`` of the current namespace."""
    catalog, schema = contract.target.catalog, contract.target.schema_name
    if schema:
        schema = _swap_layer(schema, contract.layer, ref_layer)
    elif catalog:
        catalog = _swap_layer(catalog, contract.layer, ref_layer)
    return naming.glue_database(catalog, schema)


def _swap_layer(name: str, current: str, ref_layer: str) -> str:
    for separator in ("_", "."):
        suffix = f"{separator}{current}"
        if name.endswith(suffix):
            return name[: -len(suffix)] + separator + ref_layer
    return name


def resolve_ref(
    use: TableRefUse, step: str, contract: IngestionContract, index: dict[tuple[str, str], TargetEntry]
) -> ResolvedRef:
    if use.schema:
        catalog = use.catalog if use.catalog is not None else contract.target.catalog
        database = naming.glue_database(catalog, use.schema)
        producer = next(
            (e.step for e in index.values() if e.database == database and e.table == use.table), None
        )
        return ResolvedRef(
            step, use, naming.iceberg_identifier(database, use.table), database, producer, "explicit"
        )
    entry = index.get((use.layer, use.table))
    if entry is not None:
        return ResolvedRef(step, use, entry.identifier, entry.database, entry.step, "project_index")
    database = _convention_database(contract, use.layer)
    return ResolvedRef(
        step, use, naming.iceberg_identifier(database, use.table), database, None, "layer_convention"
    )
