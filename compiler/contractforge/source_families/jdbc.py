"""JDBC databases (``jdbc`` or a dialect type: ``postgres``, ``mysql``, ``sqlserver``, …): a table
or a query, optional partitioned reads, credentials as secret placeholders or RDS IAM
(docs/sources.md#jdbc-family-jdbc)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from contractforge.source_families.checks import SRC, check_enum, has, require
from contractforge.source_families.family import ProblemSink, ReadKind, SectionInputs, SourceFamily
from contractforge.source_families.sections import options, plain
from contractforge.source_families.vocabulary import canonical_type, raw_type

JDBC_AUTH = ("none", "basic", "rds_iam")
JDBC_PARTITION_KEYS = ("partition_column", "lower_bound", "upper_bound", "num_partitions")
JDBC_DRIVERS = {
    "postgres": "org.postgresql.Driver",
    "mysql": "com.mysql.cj.jdbc.Driver",
    "mariadb": "org.mariadb.jdbc.Driver",
    "sqlserver": "com.microsoft.sqlserver.jdbc.SQLServerDriver",
    "oracle": "oracle.jdbc.OracleDriver",
    "redshift": "com.amazon.redshift.jdbc42.Driver",
    "db2": "com.ibm.db2.jcc.DB2Driver",
}
_JDBC_URL_DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mariadb", "sqlserver": "sqlserver",
                      "oracle": "oracle", "redshift": "redshift", "db2": "db2"}  # fmt: skip


def _check_jdbc(problems: ProblemSink, source: dict[str, Any]) -> None:
    kind = raw_type(source)
    require(problems, source, kind, "url", "options.url")
    has_table = has(source, "table", "options.dbtable")
    has_query = has(source, "query", "options.query")
    if has_table and has_query:
        key = "query" if "query" in source else "options"
        problems.add(
            SRC + (key,), "JDBC sources take either a table or a query, not both", code="JDBC_TABLE_AND_QUERY"
        )
    elif not (has_table or has_query):
        problems.add(
            SRC + ("table",), "JDBC sources need source.table or source.query", code="SOURCE_FIELD_REQUIRED"
        )
    read = source.get("read") if isinstance(source.get("read"), dict) else {}
    present = [k for k in JDBC_PARTITION_KEYS if read.get(k) is not None]
    if present and len(present) != len(JDBC_PARTITION_KEYS):
        missing = [k for k in JDBC_PARTITION_KEYS if k not in present]
        problems.add(
            SRC + ("read", present[0]),
            f"partitioned JDBC reads need all of {', '.join(JDBC_PARTITION_KEYS)} (missing {', '.join(missing)})",
            code="JDBC_PARTITION_INCOMPLETE",
        )
    elif present:
        low, high = read.get("lower_bound"), read.get("upper_bound")
        if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low >= high:
            problems.add(
                SRC + ("read", "upper_bound"), "read.upper_bound must be greater than read.lower_bound"
            )
    auth = source.get("auth")
    if isinstance(auth, dict):
        auth_type = auth.get("type", "basic")
        check_enum(problems, SRC + ("auth", "type"), auth_type, JDBC_AUTH, "auth.type")
        if auth_type == "basic" and not (auth.get("username") or auth.get("password")):
            problems.add(SRC + ("auth",), "auth.type basic needs auth.username and/or auth.password")
        if auth_type == "rds_iam" and not auth.get("username"):
            problems.add(SRC + ("auth", "username"), "auth.type rds_iam needs auth.username")


def jdbc_dialect(source: dict[str, Any]) -> str:
    kind = canonical_type(source)
    if kind != "jdbc":
        return kind
    url = str(source.get("url") or (source.get("options") or {}).get("url") or "")
    prefix = url[5:].split(":", 1)[0] if url.lower().startswith("jdbc:") else ""
    return _JDBC_URL_DIALECTS.get(prefix.lower(), prefix.lower() or "jdbc")


def _jdbc_section(source: dict[str, Any], kind: ReadKind, inputs: SectionInputs) -> dict[str, Any]:
    raw_options = dict(source.get("options") or {})
    url = source.get("url") or raw_options.get("url")
    table = source.get("table") or raw_options.get("dbtable")
    query = source.get("query") or raw_options.get("query")
    read = dict(source.get("read") or {})
    fetchsize = read.pop("fetchsize", None) or raw_options.get("fetchsize")
    spark_options = options(raw_options, drop=("url", "dbtable", "query", "driver", "fetchsize"))
    auth = dict(source.get("auth") or {})
    auth_type = auth.get("type") or ("basic" if auth else "none")
    dialect = jdbc_dialect(source)
    plan: dict[str, Any] = {
        "url": url,
        "dialect": dialect,
        "driver": raw_options.get("driver") or JDBC_DRIVERS.get(dialect),
        "options": dict(sorted(spark_options.items())),
        # credentials stay in auth as placeholders; the runtime resolves them (its JDBC reader)
        "auth": {**{k: v for k, v in sorted(auth.items()) if v is not None}, "type": auth_type},
        "read": {
            **{k: read[k] for k in JDBC_PARTITION_KEYS if k in read},
            **({"fetchsize": int(fetchsize)} if fetchsize is not None else {}),
        },
        "incremental": plain(source.get("incremental")),
    }
    plan["table" if table else "query"] = table or query
    return plan


def _rds_iam_statements(run_plan: dict[str, Any], context: Any, statement: Callable[..., dict]) -> list[dict]:
    """``rds-db:connect`` for ``auth.type: rds_iam``: the database's resource id (``auth.db_resource_id``)
    and user when literal, ``*`` where they are only known at run time."""
    source = run_plan.get("source") or {}
    auth = source.get("auth") or {}
    if str(auth.get("type", "")).lower() != "rds_iam":
        return []
    user = str(auth.get("username") or (source.get("options") or {}).get("user") or "*")
    user = "*" if "{{" in user else user
    host = re.search(r"\.([a-z]{2}(?:-[a-z]+)+-\d)\.rds\.", str(source.get("url") or ""))
    region = auth.get("region") or (host.group(1) if host else context.region)
    resource_id = auth.get("db_resource_id") or "*"
    user_arn = f"arn:{context.partition}:rds-db:{region}:{context.account_id}:dbuser:{resource_id}/{user}"
    return [statement("RdsIamConnect", ["rds-db:connect"], [user_arn])]


JDBC = SourceFamily(
    name="jdbc",
    types=(
        "jdbc",
        "postgres",
        "postgresql",
        "mysql",
        "mariadb",
        "sqlserver",
        "oracle",
        "redshift",
        "db2",
        "snowflake_jdbc",
        "bigquery_jdbc",
    ),
    check=_check_jdbc,
    section=_jdbc_section,
    iam_statements=_rds_iam_statements,
)
