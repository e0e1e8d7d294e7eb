"""Catalog tables (``table``, ``delta_table``, ``iceberg_table``, ``view``; a bare string source
is a table) and ``sql`` over catalog tables. Logical table refs (``{{ table_ref:layer.table }}``,
``ref``/``table_ref``) are resolved by the loader and substituted here (docs/contract-language.md)."""

from __future__ import annotations

from typing import Any

from contractforge import naming
from contractforge.source_families.checks import require
from contractforge.source_families.family import ProblemSink, ReadKind, SectionInputs, SourceFamily
from contractforge.source_families.vocabulary import raw_type

SPARK_CATALOGS = ("glue_catalog", "spark_catalog")


def qualify_table(table: str, default_database: str | None) -> str:
    """A catalog table name as the Iceberg identifier the runtime reads (the database rule of
    docs/planning.md#names): ``t`` → target database, ``db.t`` → ``glue_catalog.db.t``,
    ``catalog.schema.t`` → ``glue_catalog.<catalog>_<schema>.t``; Spark catalog names and paths are kept."""
    parts = table.split(".")
    if "/" in table or not table or parts[0] in SPARK_CATALOGS or len(parts) > 3:
        return table
    if len(parts) == 1:
        return naming.iceberg_identifier(default_database or "default", table) if default_database else table
    if len(parts) == 2:
        return f"{naming.SPARK_CATALOG}.{table}"
    return naming.iceberg_identifier(naming.glue_database(parts[0], parts[1]), parts[2])


def _check_catalog(problems: ProblemSink, source: dict[str, Any]) -> None:
    require(problems, source, raw_type(source), "table", "path", "ref", "table_ref")


def _catalog_table(source: dict[str, Any], inputs: SectionInputs) -> str:
    for key in ("table_ref", "ref"):
        value = source.get(key)
        if isinstance(value, dict) and value.get("layer"):
            return inputs.resolve_ref(
                value["layer"], value["table"], value.get("schema"), value.get("catalog"), ("source", key)
            )
        if isinstance(value, str) and "." in value:
            layer, _, table = value.partition(".")
            return inputs.resolve_ref(layer.strip(), table.strip(), None, None, ("source", key))
    return qualify_table(str(source.get("table") or ""), inputs.default_database)


def _catalog_section(source: dict[str, Any], kind: ReadKind, inputs: SectionInputs) -> dict[str, Any]:
    table = _catalog_table(source, inputs)
    if table:
        return {"table": table}
    if source.get("path"):  # a table location read by format (iceberg), not by name
        return {"path": source["path"]}
    return {}


def _catalog_notes(contract: dict[str, Any], source: dict[str, Any], kind: ReadKind) -> list:
    return [("AWS_SOURCE_DELTA_TABLE_REVIEW", ("source", "type"), None)] if kind.type == "delta_table" else []


def _sql_section(source: dict[str, Any], kind: ReadKind, inputs: SectionInputs) -> dict[str, Any]:
    query = source.get("query") or (source.get("options") or {}).get("query") or ""
    sql, tables = inputs.substitute_sql(str(query), ("source", "query"))
    return {"query": sql, "inputs": tables}


CATALOG = SourceFamily(
    "catalog", ("table", "delta_table", "iceberg_table", "view"), _check_catalog, section=_catalog_section,
    notes=_catalog_notes, reads_catalog_table=True,
)  # fmt: skip
SQL = SourceFamily(
    "sql", ("sql",), lambda problems, source: require(problems, source, "sql", "query", "options.query"),
    section=_sql_section,
)  # fmt: skip
