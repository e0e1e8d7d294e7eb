"""Collecting located problems: one ``Problems`` per validation pass.

A ``Where`` maps a key path (``("source", "read", "partition_column")``) to the keyword
arguments of ``Problem`` (``file``, ``line``, ``column``); it hides which file and SourceMap
a value came from, so checks only ever talk about key paths.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from contractforge.errors import Problem, closest, dotted

__all__ = ["PathKey", "Problems", "Where", "closest", "nowhere"]

PathKey = tuple[str | int, ...]
Where = Callable[[PathKey], dict[str, Any]]


def nowhere(_path: PathKey) -> dict[str, Any]:
    return {}


class Problems:
    """Accumulates the located problems of one file/contract (the caller decides what to raise)."""

    def __init__(self, where: Where = nowhere) -> None:
        self.where = where
        self.items: list[Problem] = []

    def add(
        self,
        path: PathKey,
        message: str,
        *,
        suggestion: str | None = None,
        code: str | None = None,
        field: str | None = None,
    ) -> None:
        location = self.where(tuple(path)) or {}
        self.items.append(
            Problem(
                message=message,
                field=field if field is not None else dotted(path),
                suggestion=suggestion,
                code=code,
                **location,
            )
        )

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)
