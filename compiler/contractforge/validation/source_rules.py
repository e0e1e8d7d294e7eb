"""Semantic checks of ``source``: a known type, then its family's own check (required keys,
enums, exclusivity: ``contractforge.source_families``), then the ``limits`` the family accepts
and the numbers of ``limits``/``read`` keys (docs/sources.md)."""

from __future__ import annotations

from typing import Any

from contractforge.source_families import FAMILIES, KNOWN_TYPES, canonical_type, family_of, raw_type
from contractforge.source_families.vocabulary import NON_NEGATIVE_INTS, POSITIVE_INTS, POSITIVE_READ_INTS
from contractforge.validation.locate import PathKey, Problems, closest

SRC: PathKey = ("source",)


def check_source(problems: Problems, source: dict[str, Any]) -> None:
    kind = raw_type(source)
    family = family_of(source)
    if not kind:
        problems.add(SRC + ("type",), "source.type is required", code="SOURCE_FIELD_REQUIRED")
        return
    if family is None:
        key = "connector" if str(source.get("type", "")).lower() == "connector" else "type"
        problems.add(
            SRC + (key,),
            f"unknown source type '{kind}'",
            suggestion=closest(kind, KNOWN_TYPES) or "see `contractforge schema source`",
            code="SOURCE_TYPE_UNKNOWN",
        )
        return
    options = source.get("options") if isinstance(source.get("options"), dict) else {}
    if "schema" in options:
        problems.add(
            SRC + ("options", "schema"), "declare the schema as source.read.schema, not options.schema"
        )
    check = FAMILIES[family].check
    if check:
        check(problems, source)
    _check_limits(problems, source, family, canonical_type(source))
    _check_read_numbers(problems, source)


def _check_limits(problems: Problems, source: dict[str, Any], family: str, kind: str) -> None:
    limits = source.get("limits")
    if not isinstance(limits, dict) or not limits:
        return
    accepted = FAMILIES[family].limits
    allowed = accepted.get(kind) or accepted.get(family) or ()
    for key, value in limits.items():
        if key not in allowed:
            hint = f"allowed: {', '.join(allowed)}" if allowed else f"{kind} sources take no limits"
            problems.add(
                SRC + ("limits", key),
                f"limit '{key}' is not accepted here ({hint})",
                suggestion=closest(key, allowed),
                code="SOURCE_LIMIT_UNKNOWN",
            )
            continue
        _check_number(problems, SRC + ("limits", key), key, value)


def _check_number(problems: Problems, path: PathKey, key: str, value: Any) -> None:
    if key == "retry_backoff_seconds":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            problems.add(path, f"{key} must be a number >= 0")
    elif key in POSITIVE_INTS or key in POSITIVE_READ_INTS:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            problems.add(path, f"{key} must be an integer > 0")
    elif key in NON_NEGATIVE_INTS and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        problems.add(path, f"{key} must be an integer >= 0")


def _check_read_numbers(problems: Problems, source: dict[str, Any]) -> None:
    read = source.get("read")
    if isinstance(read, dict):
        for key in POSITIVE_READ_INTS:
            if key in read and read[key] is not None:
                _check_number(problems, SRC + ("read", key), key, read[key])
