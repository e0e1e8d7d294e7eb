"""Source family ``jdbc``: PostgreSQL, MySQL/MariaDB, SQL Server, Oracle, Redshift (reference §1.11.6).

- ``table`` or ``query`` (exactly one); ``read.partition_column/lower_bound/upper_bound/num_partitions``
  (all four or none) and ``read.fetchsize`` map to Spark's JDBC options; the driver class follows the
  URL unless ``driver`` / ``options.driver`` names one.
- Credentials only through secrets: ``auth: {type: basic, username, password}`` with placeholders
  (resolved at run time), or ``auth.type: rds_iam`` (a boto3 RDS auth token). Inline passwords and
  ``user:pass@`` URLs are refused.
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
import urllib.parse
from collections.abc import Mapping
from typing import Any

from contractforge_runtime.secrets import PLACEHOLDER, SecretResolver, is_placeholder
from contractforge_runtime.sources import SourceResult, register, watermarks
from contractforge_runtime.sources.http_auth import secret_resolver

DRIVERS = {
    "postgresql": "org.postgresql.Driver",
    "mysql": "com.mysql.cj.jdbc.Driver",
    "mariadb": "org.mariadb.jdbc.Driver",
    "sqlserver": "com.microsoft.sqlserver.jdbc.SQLServerDriver",
    "oracle": "oracle.jdbc.OracleDriver",
    "redshift": "com.amazon.redshift.jdbc42.Driver",
    "db2": "com.ibm.db2.jcc.DB2Driver",
    "snowflake": "net.snowflake.client.jdbc.SnowflakeDriver",
}
GLUE_CONNECTION_TYPES = {
    "postgresql": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlserver": "sqlserver",
    "oracle": "oracle",
    "redshift": "redshift",
}
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306, "redshift": 5439}
PARTITION_KEYS = ("partition_column", "lower_bound", "upper_bound", "num_partitions")
SPARK_PARTITION_OPTIONS = {
    "partition_column": "partitionColumn",
    "lower_bound": "lowerBound",
    "upper_bound": "upperBound",
    "num_partitions": "numPartitions",
}
_TEXT_TYPE = {"mysql": "CHAR", "mariadb": "CHAR", "oracle": "VARCHAR2(128)"}
_SIMPLE_COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class JdbcSourceError(Exception):
    """The JDBC source is misconfigured or unsafe."""


# -------------------------------------------------------------------------------------------- checks
def dialect_of(url: str) -> str:
    match = re.match(r"(?i)^jdbc:([a-z0-9]+):", url.strip())
    if not match:
        raise JdbcSourceError("the JDBC url must start with jdbc:<dialect>:")
    return match.group(1).lower()


def refuse_inline_credentials(source: Mapping[str, Any]) -> None:
    """Passwords only as placeholders; no ``user:pass@`` or literal ``password=`` in the URL."""
    options = source.get("options") or {}
    url = str(source.get("url") or options.get("url") or "")
    if not PLACEHOLDER.fullmatch(url.strip()):
        if re.search(r"//[^/@\s]*:[^/@\s]*@", url):
            raise JdbcSourceError(
                "JDBC url embeds user:password@ credentials; use auth with secret placeholders"
            )
        for match in re.finditer(r"(?i)[;?&](password|pwd)=([^;&]*)", url):
            if not PLACEHOLDER.search(match.group(2)):
                raise JdbcSourceError(
                    "JDBC url carries a literal password; use auth with secret placeholders"
                )
    auth = source.get("auth") or {}
    for where, value in (
        ("auth.password", auth.get("password")),
        ("options.password", options.get("password")),
    ):
        if value not in (None, "") and not is_placeholder(str(value)):
            raise JdbcSourceError(f"{where} must be a {{{{ secret:scope/key }}}} placeholder")


def relation_of(source: Mapping[str, Any]) -> tuple[str, str]:
    """("table", name) or ("query", sql)."""
    options = source.get("options") or {}
    table = source.get("table") or options.get("dbtable")
    query = source.get("query") or options.get("query")
    if table and query:
        raise JdbcSourceError("JDBC source declares both table and query; keep one")
    if not table and not query:
        raise JdbcSourceError("JDBC source needs table or query")
    return ("table", str(table)) if table else ("query", str(query).strip().rstrip(";"))


def partition_options(read: Mapping[str, Any]) -> dict[str, str]:
    present = [key for key in PARTITION_KEYS if read.get(key) not in (None, "")]
    if present and len(present) != len(PARTITION_KEYS):
        missing = [key for key in PARTITION_KEYS if key not in present]
        raise JdbcSourceError(
            f"partitioned JDBC reads need all of {', '.join(PARTITION_KEYS)}; missing {missing}"
        )
    return {SPARK_PARTITION_OPTIONS[key]: str(read[key]) for key in present}


# --------------------------------------------------------------------------------------- connection
def connection_options(source: Mapping[str, Any], resolver: SecretResolver) -> dict[str, str]:
    """url/driver/user/password/fetchsize (+ passthrough options), secrets resolved."""
    refuse_inline_credentials(source)
    options = {k: _text(v) for k, v in (source.get("options") or {}).items() if k not in {"dbtable", "query"}}
    url = source.get("url") or options.get("url")
    if not url:
        raise JdbcSourceError("JDBC source needs url (or options.url)")
    options["url"] = resolver.resolve(str(url))
    dialect = dialect_of(options["url"])
    driver = source.get("driver") or options.get("driver") or DRIVERS.get(dialect)
    if driver:
        options["driver"] = str(driver)
    read = source.get("read") or {}
    if read.get("fetchsize") is not None:
        options["fetchsize"] = str(read["fetchsize"])
    options.update(_credentials(source.get("auth") or {}, options, dialect, resolver))
    return {k: resolver.resolve(v) for k, v in options.items()}


def _credentials(
    auth: Mapping[str, Any], options: Mapping[str, str], dialect: str, resolver: SecretResolver
) -> dict[str, str]:
    auth_type = str(auth.get("type") or ("basic" if auth else "none")).lower()
    if auth_type == "none":
        return {}
    if auth_type == "basic":
        if not auth.get("username") and not auth.get("password"):
            raise JdbcSourceError("auth type basic needs auth.username and/or auth.password")
        creds = {}
        if auth.get("username"):
            creds["user"] = resolver.resolve(str(auth["username"]))
        if auth.get("password"):
            creds["password"] = resolver.resolve(str(auth["password"]))
        return creds
    if auth_type == "rds_iam":
        return rds_iam_credentials(auth, options, dialect, resolver)
    raise JdbcSourceError(f"JDBC auth.type must be none, basic or rds_iam, got {auth_type!r}")


def rds_iam_credentials(
    auth: Mapping[str, Any],
    options: Mapping[str, str],
    dialect: str,
    resolver: SecretResolver,
    client: Any = None,
) -> dict[str, str]:
    """IAM database authentication: a 15-minute token from ``rds.generate_db_auth_token``."""
    user = resolver.resolve(str(auth.get("username") or options.get("user") or ""))
    if not user:
        raise JdbcSourceError("auth type rds_iam needs auth.username")
    parsed = urllib.parse.urlsplit(options["url"][len("jdbc:") :])
    host, port = parsed.hostname, parsed.port or DEFAULT_PORTS.get(dialect)
    if not host or not port:
        raise JdbcSourceError("auth type rds_iam needs a jdbc:<dialect>://host[:port]/db url")
    region = auth.get("region") or _region_from_host(host)
    if client is None:
        import boto3

        client = boto3.client("rds", region_name=region)
    token = client.generate_db_auth_token(DBHostname=host, Port=port, DBUsername=user, Region=region)
    resolver.remember(token)
    return {"user": user, "password": token, "ssl": "true", "sslmode": str(auth.get("sslmode") or "require")}


def _region_from_host(host: str) -> str | None:
    match = re.search(r"\.([a-z]{2}(?:-[a-z]+)+-\d)\.rds\.", host)
    return match.group(1) if match else None


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
    resolver = secret_resolver(sctx)
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
        glue = getattr(getattr(sctx, "run", None), "glue", None)
        glue_context = getattr(glue, "glue_context", None)
        if glue_context is not None:
            df = _bookmark_read(glue_context, options, source, column)
            metadata["incremental"] = {**incremental, "strategy": "glue_bookmark"}
            current = df.agg({column: "max"}).collect()[0][0]
            watermark = watermarks.describe(column, None, None if current is None else str(current))
            return SourceResult(df=df, metadata=resolver.redact(metadata), watermark=watermark)
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

    previous, origin = watermarks.previous_watermark(incremental, getattr(sctx, "previous_state", None))
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
    return SourceResult(df=df, metadata=resolver.redact(metadata), watermark=watermark, warnings=warnings)


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
