"""Shared vocabulary of sources: the source as a mapping, its declared and canonical type, file
formats, and the number rules of ``limits``/``read`` keys (docs/sources.md)."""

from __future__ import annotations

from typing import Any

FILE_FORMATS = ("avro", "csv", "delta", "json", "jsonl", "ndjson", "orc", "parquet", "text", "xml")
FORMAT_ALIASES = {"jsonl": "json", "ndjson": "json"}
HTTP_FILE_IMPLIED_FORMAT = {"http_csv": "csv", "http_json": "json", "http_text": "text"}
TYPE_ALIASES = {
    "api": "rest_api",
    "http_api": "rest_api",
    "postgresql": "postgres",
    "cloudfiles": "autoloader",
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


def file_format(source: dict[str, Any]) -> str | None:
    """Canonical reader format: declared ``format``, else the type itself when it is a format."""
    declared = source.get("format")
    kind = canonical_type(source)
    fmt = str(declared).strip().lower() if declared else HTTP_FILE_IMPLIED_FORMAT.get(kind, kind)
    if fmt not in FILE_FORMATS:
        return fmt or None
    return FORMAT_ALIASES.get(fmt, fmt)


def value_at(source: dict[str, Any], dotted_key: str) -> Any:
    """``source["a"]["b"]`` for ``"a.b"`` (None where a level is missing)."""
    current: Any = source
    for part in dotted_key.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current
