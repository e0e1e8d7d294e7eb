"""Every source family, in one tuple: add a family by writing its module and listing it here."""

from __future__ import annotations

from typing import Any

from contractforge.source_families.catalog import CATALOG, SQL
from contractforge.source_families.family import ReadKind, SourceFamily
from contractforge.source_families.files import FILES, INCREMENTAL_FILES, OBJECT_STORAGE
from contractforge.source_families.http import HTTP_FILE, REST_API
from contractforge.source_families.jdbc import JDBC
from contractforge.source_families.stream import STREAM
from contractforge.source_families.unsupported import AUTOLOADER, CONNECTION, CUSTOM, DELTA_SHARE, NATIVE
from contractforge.source_families.vocabulary import canonical_type, file_format, raw_type, source_mapping

FAMILIES: dict[str, SourceFamily] = {
    family.name: family
    for family in (
        CATALOG, SQL, FILES, OBJECT_STORAGE, INCREMENTAL_FILES, HTTP_FILE, REST_API, JDBC, STREAM,
        DELTA_SHARE, CUSTOM, NATIVE, AUTOLOADER, CONNECTION,
    )
}  # fmt: skip
FAMILY_OF: dict[str, str] = {t: family.name for family in FAMILIES.values() for t in family.types}
KNOWN_TYPES: tuple[str, ...] = tuple(sorted(FAMILY_OF))
_FILE_READERS = ("files", "object_storage", "incremental_files", "http_file")  # families with a file format
# Families the runtime reads as CSV / JSON files: records they cannot parse are quarantined or fail the run
# (extensions.aws.read.malformed_records; runtime sources/text_files.py).
MALFORMED_CAPTURING: tuple[str, ...] = ("files", "object_storage", "incremental_files", "http_file")


def family_of(source: dict[str, Any]) -> str | None:
    """The declared family of a source mapping (None for an unknown type)."""
    return FAMILY_OF.get(raw_type(source))


def tables_read(section: dict[str, Any]) -> list[str]:
    """The tables a run plan's ``source`` section reads: SQL inputs and a catalog family's table."""
    identifiers = list(section.get("inputs") or [])
    family = FAMILIES.get(section.get("family"))
    if family is not None and family.reads_catalog_table and section.get("table"):
        identifiers.append(section["table"])
    return identifiers


def _wants_available_now(contract: dict[str, Any], source: dict[str, Any]) -> bool:
    execution = contract.get("execution") or {}
    trigger = str(source.get("trigger") or "").lower().replace("-", "_")
    return execution.get("preferred") == "available_now" or trigger in ("available_now", "availablenow")


def _checkpoint_of(source: dict[str, Any]) -> str | None:
    options = source.get("options") or {}
    return source.get("checkpoint_location") or options.get("checkpointLocation") or None


def read_kind(contract: dict[str, Any]) -> ReadKind:
    """How the source of a resolved contract mapping will be read. The planner's diagnostics and
    the run plan's ``source.family`` both come from it, so they always describe the same reader."""
    source = source_mapping(contract)
    kind = canonical_type(source)
    family = family_of(source) or "unknown"
    fmt = file_format(source) if family in _FILE_READERS else None
    checkpoint = _checkpoint_of(source)
    if family == "stream":
        stream_format = "kafka" if kind.startswith("kafka") else "eventhubs"
        available_now = kind.endswith("available_now") or _wants_available_now(contract, source)
        return ReadKind("stream", kind, stream_format, available_now, checkpoint)
    if family in ("files", "object_storage") and source.get("intent") == "file_stream":
        if _wants_available_now(contract, source):
            return ReadKind("stream", kind, fmt, True, checkpoint)
        return ReadKind("incremental_files", kind, fmt)  # Glue bookmarks
    return ReadKind(family, kind, fmt, False, checkpoint)
