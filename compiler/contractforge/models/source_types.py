"""Which source types exist, which family each belongs to, and their allow-lists (ref §1.11.2).

Shared by semantic validation, the planner and the run plan builder so the three can never
disagree about what a ``type`` means.
"""

from __future__ import annotations

from typing import Any

FILE_FORMATS = ("avro", "csv", "delta", "json", "jsonl", "ndjson", "orc", "parquet", "text", "xml")
FORMAT_ALIASES = {"jsonl": "json", "ndjson": "json"}
BOOKMARK_FORMATS = ("csv", "json", "parquet", "orc", "avro")  # what our incremental reader runs
JAR_FORMATS = ("xml", "delta")

_FAMILY_MEMBERS: dict[str, tuple[str, ...]] = {
    "catalog": ("table", "delta_table", "iceberg_table", "view"),
    "sql": ("sql",),
    "files": FILE_FORMATS,
    "object_storage": ("s3", "adls", "azure_blob", "gcs", "blob", "object_storage"),
    "incremental_files": ("incremental_files",),
    "http_file": ("http_file", "http_csv", "http_json", "http_text"),
    "rest_api": ("rest_api", "api", "http_api"),
    "jdbc": (
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
    "stream": ("kafka_bounded", "eventhubs_bounded", "kafka_available_now", "eventhubs_available_now"),
    "delta_share": ("delta_share",),
    "custom": ("custom_transform",),
    "native": ("native_passthrough",),
    "autoloader": ("autoloader", "cloudfiles", "cloud_files"),
    "connection": ("connection",),
}
FAMILY_OF: dict[str, str] = {t: family for family, members in _FAMILY_MEMBERS.items() for t in members}
KNOWN_TYPES: tuple[str, ...] = tuple(sorted(FAMILY_OF))
TYPE_ALIASES = {
    "api": "rest_api",
    "http_api": "rest_api",
    "postgresql": "postgres",
    "cloudfiles": "autoloader",
}

HTTP_FILE_FORMATS = ("csv", "json", "jsonl", "ndjson", "text")
HTTP_FILE_IMPLIED_FORMAT = {"http_csv": "csv", "http_json": "json", "http_text": "text"}
HTTP_FILE_AUTH = ("none", "bearer_token", "api_key", "basic")
REST_AUTH = (*HTTP_FILE_AUTH, "oauth_client_credentials")
REST_METHODS = ("GET", "POST")
REST_PAGINATION = ("none", "page", "offset", "cursor", "link_header")
REST_RESPONSE_MODES = ("records", "raw")
JDBC_AUTH = ("none", "basic", "rds_iam")
JDBC_PARTITION_KEYS = ("partition_column", "lower_bound", "upper_bound", "num_partitions")

_HTTP_LIMITS = ("timeout_seconds", "retry_attempts", "retry_backoff_seconds", "max_bytes", "max_records")
LIMIT_ALLOWLIST: dict[str, tuple[str, ...]] = {
    "http_file": _HTTP_LIMITS,
    "rest_api": (
        "page_size",
        "max_pages",
        "max_records",
        "max_page_bytes",
        "max_total_bytes",
        "rate_limit_per_minute",
        "timeout_seconds",
        "retry_attempts",
        "retry_backoff_seconds",
    ),
    "kafka_bounded": ("starting_offsets", "ending_offsets", "max_offsets_per_trigger"),
    "kafka_available_now": ("starting_offsets", "max_offsets_per_trigger"),
    "eventhubs_bounded": ("starting_position", "ending_position", "max_events_per_trigger"),
    "eventhubs_available_now": ("starting_position", "max_events_per_trigger"),
}
POSITIVE_INTS = (
    "timeout_seconds",
    "retry_attempts",
    "max_files",
    "max_pages",
    "page_size",
    "max_records",
    "max_offsets_per_trigger",
    "max_events_per_trigger",
)
NON_NEGATIVE_INTS = ("max_bytes", "max_page_bytes", "max_total_bytes", "rate_limit_per_minute")
POSITIVE_READ_INTS = ("fetchsize", "num_partitions", "max_files_per_trigger", "file_regex_max_listed")


def source_mapping(contract: dict[str, Any]) -> dict[str, Any]:
    """The source as a mapping (a bare string means a catalog table)."""
    source = contract.get("source")
    if isinstance(source, str):
        return {"type": "table", "table": source}
    return source if isinstance(source, dict) else {}


def raw_type(source: dict[str, Any]) -> str:
    """The declared type, lower-cased with ``-`` → ``_``; connectors use their connector name."""
    declared = str(source.get("type") or "").strip().lower().replace("-", "_")
    if declared == "connector":
        declared = str(source.get("connector") or "").strip().lower().replace("-", "_")
    return declared


def canonical_type(source: dict[str, Any]) -> str:
    declared = raw_type(source)
    return TYPE_ALIASES.get(declared, declared)


def family_of(source: dict[str, Any]) -> str | None:
    return FAMILY_OF.get(raw_type(source))


def file_format(source: dict[str, Any]) -> str | None:
    """Canonical reader format: declared ``format``, else the type itself when it is a format."""
    declared = source.get("format")
    kind = canonical_type(source)
    fmt = str(declared).strip().lower() if declared else HTTP_FILE_IMPLIED_FORMAT.get(kind, kind)
    if fmt not in FILE_FORMATS:
        return fmt or None
    return FORMAT_ALIASES.get(fmt, fmt)
