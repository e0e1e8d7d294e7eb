"""Errors people can act on: file, line, column, field path, what was expected, a suggestion.

Every error raised for bad *input* derives from ``ContractForgeError``; the CLI prints
``render()`` and exits with ``exit_code`` (2 for invalid input) — never a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field


def dotted(path: Iterable[str | int]) -> str:
    """A field path as users write it: ``("execution_order", 0, "name")`` → ``execution_order[0].name``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to a misspelt ``word`` (a suggestion), or None."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else None


@dataclass(frozen=True)
class Problem:
    """One located problem in one input file."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None  # dotted path, e.g. "source.read.partition_column"
    suggestion: str | None = None
    code: str | None = None

    def render(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.suggestion:
            text += (
                f" (did you mean '{self.suggestion}'?)"
                if " " not in self.suggestion
                else f" ({self.suggestion})"
            )
        return text


@dataclass
class ContractForgeError(Exception):
    """Bad input. ``problems`` holds every located problem found (at least one)."""

    problems: list[Problem] = field(default_factory=list)
    exit_code: int = 2

    def __post_init__(self) -> None:
        super().__init__(self.render())

    @classmethod
    def single(cls, message: str, **where) -> ContractForgeError:
        return cls([Problem(message=message, **where)])

    def render(self) -> str:
        return "\n".join(f"error: {p.render()}" for p in self.problems) or "error: invalid input"
