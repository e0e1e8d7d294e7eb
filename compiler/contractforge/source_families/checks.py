"""Helpers of the families' validation checks: required keys, formats and enumerations."""

from __future__ import annotations

from typing import Any

from contractforge.errors import closest
from contractforge.source_families.family import ProblemSink
from contractforge.source_families.vocabulary import value_at

SRC = ("source",)


def has(source: dict[str, Any], *keys: str) -> bool:
    return any(value_at(source, key) not in (None, "", [], {}) for key in keys)


def require(problems: ProblemSink, source: dict[str, Any], what: str, *alternatives: str) -> None:
    if not has(source, *alternatives):
        names = " or ".join(f"source.{a}" for a in alternatives)
        problems.add(SRC + (alternatives[0],), f"{what} sources need {names}", code="SOURCE_FIELD_REQUIRED")


def check_format(problems: ProblemSink, source: dict[str, Any], allowed: tuple[str, ...]) -> None:
    declared = source.get("format")
    if declared is None:
        return
    if str(declared).lower() not in allowed:
        problems.add(
            SRC + ("format",),
            f"format '{declared}' is not one of {', '.join(allowed)}",
            suggestion=closest(str(declared).lower(), allowed),
            code="SOURCE_FORMAT_INVALID",
        )


def check_enum(problems: ProblemSink, path: tuple, value: Any, allowed: tuple[str, ...], what: str) -> None:
    if value is None:
        return
    text = str(value)
    if text not in allowed:
        problems.add(
            path,
            f"{what} '{text}' is not one of {', '.join(allowed)}",
            suggestion=closest(text, allowed),
            code="SOURCE_ENUM_INVALID",
        )
