"""How a source will actually be read: the effective family after intent and trigger.

Shared by the planner (diagnostics) and the run plan builder (``source.family``) so that a
status and the plan it produces always describe the same reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contractforge.models import source_types as cat

NON_S3_STORAGE = ("adls", "azure_blob", "gcs", "blob")


@dataclass(frozen=True)
class ReadKind:
    family: str  # files | object_storage | incremental_files | catalog | sql | jdbc | http_file | rest_api | stream | ...
    type: str  # canonical type name
    format: str | None  # canonical file format / kafka / eventhubs
    available_now: bool = False  # a streaming job with trigger(availableNow=True)
    checkpoint_location: str | None = None


def _wants_available_now(contract: dict[str, Any], source: dict[str, Any]) -> bool:
    execution = contract.get("execution") or {}
    trigger = str(source.get("trigger") or "").lower().replace("-", "_")
    return execution.get("preferred") == "available_now" or trigger in ("available_now", "availablenow")


def checkpoint_of(source: dict[str, Any]) -> str | None:
    options = source.get("options") or {}
    return source.get("checkpoint_location") or options.get("checkpointLocation") or None


def read_kind(contract: dict[str, Any]) -> ReadKind:
    """``contract`` is the resolved contract mapping (YAML spelling, defaults applied)."""
    source = cat.source_mapping(contract)
    kind = cat.canonical_type(source)
    family = cat.family_of(source) or "unknown"
    fmt = (
        cat.file_format(source)
        if family in ("files", "object_storage", "incremental_files", "http_file")
        else None
    )
    checkpoint = checkpoint_of(source)
    if family == "stream":
        stream_format = "kafka" if kind.startswith("kafka") else "eventhubs"
        available_now = kind.endswith("available_now") or _wants_available_now(contract, source)
        return ReadKind("stream", kind, stream_format, available_now, checkpoint)
    if family in ("files", "object_storage") and source.get("intent") == "file_stream":
        if _wants_available_now(contract, source):
            return ReadKind("stream", kind, fmt, True, checkpoint)
        return ReadKind("incremental_files", kind, fmt)  # Glue bookmarks, like upstream (ref §1.11.1)
    return ReadKind(family, kind, fmt, False, checkpoint)


def is_non_s3_storage(source: dict[str, Any]) -> bool:
    kind = cat.canonical_type(source)
    provider = str(source.get("provider") or "").lower()
    if kind in NON_S3_STORAGE or (kind == "object_storage" and provider not in ("", "s3", "aws")):
        return True
    path = str(source.get("path") or "")
    return "://" in path and not path.startswith(("s3://", "s3a://", "file://"))
