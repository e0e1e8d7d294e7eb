"""Source family ``jdbc``: PostgreSQL, MySQL/MariaDB, SQL Server, Oracle, Redshift
(docs/sources.md#jdbc-family-jdbc).

- ``table`` or ``query`` (exactly one); ``read.partition_column/lower_bound/upper_bound/num_partitions``
  (all four or none) and ``read.fetchsize`` map to Spark's JDBC options; the driver class follows the
  URL unless ``driver`` / ``options.driver`` names one.
- Credentials only through secrets (jdbc_options.py).
- Incremental (``incremental.watermark_column``): the previous watermark comes back from
  ``ctrl_ingestion_state`` (SourceContext.previous_state), else ``initial_value``. The source first asks
  the database for ``MAX(col)`` of the new rows (as text), then reads exactly
  ``previous < col <= current`` — rows committed while the step runs are left for the next run instead
  of being skipped. ``SourceResult.watermark = {column, previous, current}``; the runner advances the
  state only after a committed write. No new rows → ``df=None`` (no_new_input).
- ``incremental.strategy: glue_bookmark`` uses Glue JDBC job bookmarks (``jobBookmarkKeys``) inside Glue;
  outside Glue it falls back to the state watermark with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from contractforge_runtime.environment.secrets import resolver_for
from contractforge_runtime.sources import SourceResult, register, watermarks
from contractforge_runtime.sources.jdbc_options import (
    GLUE_CONNECTION_TYPES,
    JdbcSourceError,
    connection_options,
    dialect_of,
    partition_options,
    relation_of,
)

_TEXT_TYPE = {"mysql": "CHAR", "mariadb": "CHAR", "oracle": "VARCHAR2(128)"}
_SIMPLE_COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# --------------------------------------------------------------------------------------- incremental
def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def new_rows_predicate(incremental: Mapping[str, Any], column: str, previous: str | None) -> str | None:
    if previous is None:
        return None
    template = incremental.get("predicate")
    if template:
        quoted = _literal(previous)
        return str(template).format(watermark_previous=quoted, watermark=quoted, value=quoted, column=column)
    return f"{column} > {_literal(previous)}"


def _base_select(kind: str, relation: str) -> str:
    return f"SELECT * FROM {relation}" if kind == "table" else f"SELECT * FROM ({relation}) cf_q"


def _where(*predicates: str | None) -> str:
    kept = [f"({p})" for p in predicates if p]
    return (" WHERE " + " AND ".join(kept)) if kept else ""


def current_watermark(
    spark: Any,
    options: Mapping[str, str],
    kind: str,
    relation: str,
    column: str,
    predicate: str | None,
    dialect: str,
) -> str | None:
    """MAX(column) of the rows newer than the previous watermark, as the database renders it in text."""
    text_type = _TEXT_TYPE.get(dialect, "VARCHAR(128)")
    inner = _base_select(kind, relation)
    query = (
        f"SELECT CAST(MAX({column}) AS {text_type}) AS cf_watermark FROM ({inner}) cf_wm{_where(predicate)}"
    )
    reader = spark.read.format("jdbc")
    for key, value in options.items():
        reader = reader.option(key, value)
    row = reader.option("query", query).load().collect()[0]
    return None if row[0] is None else str(row[0])


# ------------------------------------------------------------------------------------------- reading
def load(spark: Any, options: Mapping[str, str], relation_options: Mapping[str, str]) -> Any:
    reader = spark.read.format("jdbc")
    for key, value in {**options, **relation_options}.items():
        reader = reader.option(key, value)
    return reader.load()


def bookmark_read_arguments(
    options: Mapping[str, str], source: Mapping[str, Any], column: str
) -> dict[str, Any]:
    """Keyword arguments of ``glueContext.create_dynamic_frame.from_options`` for a bookmarked read."""
    kind, relation = relation_of(source)
    dialect = dialect_of(options["url"])
    if kind != "table" or dialect not in GLUE_CONNECTION_TYPES or not _SIMPLE_COLUMN.match(column):
        raise JdbcSourceError(
            "incremental.strategy glue_bookmark needs a table, a simple watermark column and one of "
            f"{', '.join(sorted(GLUE_CONNECTION_TYPES))}"
        )
    incremental = source.get("incremental") or {}
    order = str(incremental.get("sort_order") or incremental.get("watermark_sort_order") or "asc").lower()
    if order not in {"asc", "desc"}:
        raise JdbcSourceError(f"incremental.sort_order must be asc or desc, got {order!r}")
    connection_options = {
        "url": options["url"],
        "dbtable": relation,
        "jobBookmarkKeys": [column],
        "jobBookmarkKeysSortOrder": order,
        **{k: options[k] for k in ("user", "password", "driver") if k in options},
    }
    return {
        "connection_type": GLUE_CONNECTION_TYPES[dialect],
        "connection_options": connection_options,
        "transformation_ctx": "cf_jdbc_bookmark",
    }


def _bookmark_read(
    glue_context: Any, options: Mapping[str, str], source: Mapping[str, Any], column: str
) -> Any:
    frame = glue_context.create_dynamic_frame.from_options(**bookmark_read_arguments(options, source, column))
    return frame.toDF()


@register("jdbc")
def read(source: Mapping[str, Any], sctx: Any) -> SourceResult:
    """Registry entry point for family ``jdbc``."""
    spark = sctx.spark
    resolver = resolver_for(sctx.run)
    options = connection_options(source, resolver)
    dialect = dialect_of(options["url"])
    kind, relation = relation_of(source)
    read_options = source.get("read") or {}
    partitions = partition_options(read_options)
    incremental = dict(source.get("incremental") or {})
    column = watermarks.watermark_column(incremental)
    warnings: list[str] = []
    metadata: dict[str, Any] = {
        "source_family": "jdbc",
        "dialect": dialect,
        "relation_kind": kind,
        "relation": relation,
        "options": {k: v for k, v in (source.get("options") or {}).items()},
        "url": source.get("url") or (source.get("options") or {}).get("url"),
        "read": dict(read_options),
        "partitioned": bool(partitions),
    }
    strategy = str(incremental.get("strategy") or "state").lower()
    if column and strategy == "glue_bookmark":
        glue = sctx.run.glue
        glue_context = getattr(glue, "glue_context", None)
        if glue_context is not None:
            df = _bookmark_read(glue_context, options, source, column)
            metadata["incremental"] = {**incremental, "strategy": "glue_bookmark"}
            current = df.agg({column: "max"}).collect()[0][0]
            watermark = watermarks.describe(column, None, None if current is None else str(current))
            return SourceResult(
                df=df, metadata=resolver.redact(metadata), watermark=watermark, order_by=(column,)
            )
        warnings.append(
            "incremental.strategy glue_bookmark needs AWS Glue; used the ctrl_ingestion_state watermark"
        )

    if not column:
        relation_options = {"dbtable": relation} if kind == "table" else {"query": relation}
        if partitions and kind == "query":
            relation_options = {"dbtable": f"({relation}) cf_src"}
        df = load(spark, options, {**relation_options, **partitions})
        metadata["warnings"] = warnings
        return SourceResult(df=df, metadata=resolver.redact(metadata), warnings=warnings)

    previous, origin = watermarks.previous_watermark(incremental, sctx.previous_state)
    predicate = new_rows_predicate(incremental, column, previous)
    current = current_watermark(spark, options, kind, relation, column, predicate, dialect)
    metadata["incremental"] = {
        **incremental,
        "strategy": "state",
        "watermark_origin": origin,
        "predicate": predicate,
        "watermark_previous": previous,
        "watermark_current": current,
    }
    metadata["warnings"] = warnings
    watermark = watermarks.describe(column, previous, current)
    if current is None:
        metadata["no_new_rows"] = True
        return SourceResult(
            df=None, metadata=resolver.redact(metadata), watermark=watermark, warnings=warnings
        )
    alias = str(incremental.get("alias") or "cf_src")
    upper = f"{column} <= {_literal(current)}"
    bounded = f"({_base_select(kind, relation)}{_where(predicate, upper)}) {alias}"
    metadata["incremental"]["bounded_relation"] = bounded
    df = load(spark, options, {"dbtable": bounded, **partitions})
    # a backlog holds several changes of a key: the watermark orders them (write/backlog.py)
    return SourceResult(df=df, metadata=resolver.redact(metadata), watermark=watermark, warnings=warnings,
                        order_by=(column,))  # fmt: skip
