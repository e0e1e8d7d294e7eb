"""``source`` section of the run plan: one normalised mapping per reader family (docs/run-plan.md).

Everything is resolved here so the runtime never re-interprets YAML: canonical type and
format, Spark option strings, JDBC table/query/partitioning, REST defaults, table refs
substituted by Iceberg identifiers. Secrets stay ``{{ secret:… }}`` placeholders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contractforge import naming
from contractforge.models import source_types as cat
from contractforge.planner.read_kind import ReadKind

RefResolver = Callable[[str, str, str | None, str | None, tuple], str]  # layer, table, schema, catalog, path
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


def option_text(value: Any) -> str | None:
    """Spark reader options are strings; booleans are lower-case (ref §1.11.3)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _options(mapping: Any, drop: tuple[str, ...] = ()) -> dict[str, str]:
    if not isinstance(mapping, dict):
        return {}
    return {str(k): option_text(v) for k, v in sorted(mapping.items()) if k not in drop and v is not None}


def _plain(mapping: Any) -> dict[str, Any]:
    return {k: v for k, v in sorted(mapping.items()) if v is not None} if isinstance(mapping, dict) else {}


def build_source(source: dict[str, Any], kind: ReadKind, resolve_ref: RefResolver,
                 substitute_sql: Callable[[str, tuple], tuple[str, list[str]]],
                 default_database: str | None = None) -> dict[str, Any]:  # fmt: skip
    plan: dict[str, Any] = {
        "type": kind.type,
        "family": kind.family,
        "system": source.get("system"),
        "name": source.get("name"),
    }
    builder = {
        "files": _files,
        "object_storage": _files,
        "incremental_files": _files,
        "jdbc": _jdbc,
        "http_file": _http,
        "rest_api": _http,
        "stream": _stream,
    }.get(kind.family)
    if builder:
        plan.update(builder(source, kind))
    elif kind.family == "catalog":
        table = _catalog_table(source, resolve_ref, default_database)
        if table:
            plan["table"] = table
        elif source.get("path"):  # a table location read by format (iceberg), not by name
            plan["path"] = source["path"]
    elif kind.family == "sql":
        query = source.get("query") or (source.get("options") or {}).get("query") or ""
        plan["query"], plan["inputs"] = substitute_sql(str(query), ("source", "query"))
    return plan


SPARK_CATALOGS = ("glue_catalog", "spark_catalog")


def qualify_table(table: str, default_database: str | None) -> str:
    """A catalog table name as the Iceberg identifier the runtime reads (ref §1.10 database rule):
    ``t`` → target database, ``db.t`` → ``glue_catalog.db.t``, ``catalog.schema.t`` →
    ``glue_catalog.<catalog>_<schema>.t``; Spark catalog names and paths are kept."""
    parts = table.split(".")
    if "/" in table or not table or parts[0] in SPARK_CATALOGS or len(parts) > 3:
        return table
    if len(parts) == 1:
        return naming.iceberg_identifier(default_database or "default", table) if default_database else table
    if len(parts) == 2:
        return f"{naming.SPARK_CATALOG}.{table}"
    return naming.iceberg_identifier(naming.glue_database(parts[0], parts[1]), parts[2])


def _files(source: dict[str, Any], kind: ReadKind) -> dict[str, Any]:
    return {
        "format": kind.format,
        "path": source.get("path"),
        "options": _options(source.get("options"), drop=("schema",)),
        "read": _plain(source.get("read")),
    }


def _catalog_table(source: dict[str, Any], resolve_ref: RefResolver, default_database: str | None) -> str:
    for key in ("table_ref", "ref"):
        value = source.get(key)
        if isinstance(value, dict) and value.get("layer"):
            return resolve_ref(
                value["layer"], value["table"], value.get("schema"), value.get("catalog"), ("source", key)
            )
        if isinstance(value, str) and "." in value:
            layer, _, table = value.partition(".")
            return resolve_ref(layer.strip(), table.strip(), None, None, ("source", key))
    return qualify_table(str(source.get("table") or ""), default_database)


def jdbc_dialect(source: dict[str, Any]) -> str:
    kind = cat.canonical_type(source)
    if kind != "jdbc":
        return kind
    url = str(source.get("url") or (source.get("options") or {}).get("url") or "")
    prefix = url[5:].split(":", 1)[0] if url.lower().startswith("jdbc:") else ""
    return _JDBC_URL_DIALECTS.get(prefix.lower(), prefix.lower() or "jdbc")


def _jdbc(source: dict[str, Any], kind: ReadKind) -> dict[str, Any]:
    raw_options = dict(source.get("options") or {})
    url = source.get("url") or raw_options.get("url")
    table = source.get("table") or raw_options.get("dbtable")
    query = source.get("query") or raw_options.get("query")
    read = dict(source.get("read") or {})
    fetchsize = read.pop("fetchsize", None) or raw_options.get("fetchsize")
    options = _options(raw_options, drop=("url", "dbtable", "query", "driver", "fetchsize"))
    auth = dict(source.get("auth") or {})
    auth_type = auth.get("type") or ("basic" if auth else "none")
    dialect = jdbc_dialect(source)
    plan: dict[str, Any] = {
        "url": url,
        "dialect": dialect,
        "driver": raw_options.get("driver") or JDBC_DRIVERS.get(dialect),
        "options": dict(sorted(options.items())),
        # credentials stay in auth as placeholders; the runtime resolves them (sources/jdbc.py)
        "auth": {**{k: v for k, v in sorted(auth.items()) if v is not None}, "type": auth_type},
        "read": {
            **{
                k: read[k]
                for k in ("partition_column", "lower_bound", "upper_bound", "num_partitions")
                if k in read
            },
            **({"fetchsize": int(fetchsize)} if fetchsize is not None else {}),
        },
        "incremental": _plain(source.get("incremental")),
    }
    plan["table" if table else "query"] = table or query
    return plan


def _http(source: dict[str, Any], kind: ReadKind) -> dict[str, Any]:
    request = dict(source.get("request") or {})
    request["url"] = request.get("url") or source.get("url") or source.get("path")
    request["method"] = str(request.get("method") or "GET").upper()
    request = _plain(request)
    limits = {
        "timeout_seconds": 60,
        "retry_attempts": 1,
        "retry_backoff_seconds": 0,
        **_plain(source.get("limits")),
    }
    auth = {"type": "none", **_plain(source.get("auth"))}
    plan: dict[str, Any] = {
        "request": request,
        "auth": auth,
        "limits": dict(sorted(limits.items())),
        "incremental": _plain(source.get("incremental")),
        "options": _options(source.get("options")),
    }
    if kind.family == "http_file":
        plan["format"] = kind.format
        return plan
    pagination = {"type": "none", **_plain(source.get("pagination"))}
    pagination.setdefault("max_pages", limits.get("max_pages", 1))
    response = {"mode": "records", **_plain(source.get("response"))}
    if response["mode"] == "raw":
        response.setdefault("raw_column", "raw_response")
    plan["pagination"] = dict(sorted(pagination.items()))
    plan["response"] = dict(sorted(response.items()))
    return plan


def _stream(source: dict[str, Any], kind: ReadKind) -> dict[str, Any]:
    options = _options(source.get("options"), drop=("checkpointLocation",))
    limits = source.get("limits") or {}
    if kind.format == "kafka":
        mapped = {
            "kafka.bootstrap.servers": source.get("bootstrap_servers"),
            "subscribe": source.get("topic")
            or (",".join(source["topics"]) if source.get("topics") else None),
            "assign": source.get("assign") if not (source.get("topic") or source.get("topics")) else None,
            "startingOffsets": source.get("starting_offsets") or limits.get("starting_offsets"),
            "endingOffsets": source.get("ending_offsets") or limits.get("ending_offsets"),
            "startingTimestamp": source.get("starting_timestamp"),
            "endingTimestamp": source.get("ending_timestamp"),
            "maxOffsetsPerTrigger": source.get("max_offsets_per_trigger")
            or limits.get("max_offsets_per_trigger"),
        }
    elif kind.format == "eventhubs":
        mapped = {
            "eventhubs.connectionString": source.get("connection_string"),
            "eventhubs.name": source.get("event_hub_name"),
            "eventhubs.startingPosition": source.get("starting_position") or limits.get("starting_position"),
            "eventhubs.endingPosition": source.get("ending_position") or limits.get("ending_position"),
            "maxEventsPerTrigger": source.get("max_events_per_trigger")
            or limits.get("max_events_per_trigger"),
        }
    else:  # file stream
        mapped = {}
    for key, value in mapped.items():
        if value is not None:
            options[key] = value if isinstance(value, str) else _json_text(value)
    plan: dict[str, Any] = {
        "format": kind.format,
        "options": dict(sorted(options.items())),
        "checkpoint_location": kind.checkpoint_location,
        "trigger": "available_now",
    }
    if source.get("path"):
        plan["path"] = source["path"]
    if source.get("auth"):
        plan["auth"] = _plain(source["auth"])  # e.g. MSK IAM; placeholders resolved at run time
    if source.get("read"):
        plan["read"] = _plain(source["read"])  # e.g. max_files_per_trigger of file streams
    return plan


def _json_text(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else str(value)
