"""Collecting located problems: one ``Problems`` per validation pass.

A ``Where`` maps a key path (``("source", "read", "partition_column")``) to the keyword
arguments of ``Problem`` (``file``, ``line``, ``column``); it hides which file and SourceMap
a value came from, so checks only ever talk about key paths.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from contractforge.errors import ContractForgeError, Problem

PathKey = tuple[str | int, ...]
Where = Callable[[PathKey], dict[str, Any]]


def nowhere(_path: PathKey) -> dict[str, Any]:
    return {}


def dotted(path: Sequence[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def closest(word: str, choices: Iterable[str]) -> str | None:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else None


class Problems:
    """Accumulates problems for one file/contract; ``raise_if_any`` stops the pipeline."""

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

    def raise_if_any(self) -> None:
        if self.items:
            raise ContractForgeError(list(self.items))
