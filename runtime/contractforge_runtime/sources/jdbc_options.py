"""JDBC connection options: driver by URL, secrets-only credentials, table/query, partitioning.

Credentials only come through secrets: ``auth: {type: basic, username, password}`` with placeholders
resolved at run time, or ``auth.type: rds_iam`` (a boto3 RDS auth token). Inline passwords and
``user:pass@`` URLs are refused.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from typing import Any

from contractforge_runtime.environment.secrets import PLACEHOLDER, SecretResolver, is_placeholder

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


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
