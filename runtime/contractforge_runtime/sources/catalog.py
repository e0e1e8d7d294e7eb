"""Catalog sources: a table/view/iceberg_table by identifier, or a Spark SQL query.

The compiler already replaced every logical reference by a ``glue_catalog.<db>.<table>`` identifier,
so nothing is resolved here; a missing input table is reported by name before Spark's own error.
"""

from __future__ import annotations

from contractforge_runtime.sources import SourceContext, SourceError, SourceResult, register


def _table_exists(spark, identifier: str) -> bool:
    try:
        return bool(spark.catalog.tableExists(identifier))
    except Exception:  # noqa: BLE001 - some catalogs raise instead of answering False
        return False


@register("catalog")
def read_table(source: dict, sctx: SourceContext) -> SourceResult:
    identifier, path = source.get("table"), source.get("path")
    if identifier:
        if not _table_exists(sctx.spark, identifier):
            raise SourceError(f"source table {identifier} does not exist")
        df = sctx.spark.table(identifier)
    elif path:
        fmt = "delta" if source.get("type") == "delta_table" else "iceberg"
        df = sctx.spark.read.format(fmt).load(sctx.run.paths.resolve(path))
    else:
        raise SourceError(f"source {source.get('type')!r} needs 'table' or 'path'")
    return SourceResult(df=df, metadata={"table": identifier or path, "type": source.get("type")})


@register("sql")
def read_sql(source: dict, sctx: SourceContext) -> SourceResult:
    query = source.get("query")
    if not query or not query.strip():
        raise SourceError("sql source has an empty query")
    inputs = list(source.get("inputs") or [])
    missing = [t for t in inputs if not _table_exists(sctx.spark, t)]
    if missing:
        raise SourceError(f"sql source reads table(s) that do not exist yet: {', '.join(missing)}")
    df = sctx.spark.sql(query)
    return SourceResult(df=df, metadata={"inputs": inputs})
