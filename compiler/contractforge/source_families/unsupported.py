"""Families the contract language declares and this product plans but does not run on AWS:
each is validated (its required keys) and planned with a blocking or review diagnostic."""

from __future__ import annotations

from typing import Any

from contractforge.source_families.checks import require
from contractforge.source_families.family import ProblemSink, SourceFamily


def _notes(code: str):
    return lambda contract, source, kind: [(code, ("source", "type"), None)]


def _check_delta_share(problems: ProblemSink, source: dict[str, Any]) -> None:
    require(problems, source, "delta_share", "profile_file")
    require(problems, source, "delta_share", "table")


DELTA_SHARE = SourceFamily(
    name="delta_share",
    types=("delta_share",),
    check=_check_delta_share,
    notes=_notes("AWS_DELTA_SHARE_NOT_IMPLEMENTED"),
)
CUSTOM = SourceFamily(
    name="custom",
    types=("custom_transform",),
    check=lambda problems, source: require(problems, source, "custom_transform", "inputs"),
    notes=_notes("AWS_CUSTOM_TRANSFORM_SOURCE_NOT_IMPLEMENTED"),
)
NATIVE = SourceFamily(
    name="native",
    types=("native_passthrough",),
    check=lambda problems, source: require(problems, source, "native_passthrough", "system"),
    notes=_notes("AWS_NATIVE_PASSTHROUGH_REVIEW"),
)
AUTOLOADER = SourceFamily(
    name="autoloader",
    types=("autoloader", "cloudfiles", "cloud_files"),
    notes=_notes("AWS_SOURCE_AUTOLOADER_UNSUPPORTED"),
)
CONNECTION = SourceFamily(name="connection", types=("connection",))  # merged by the loader (connections/)
