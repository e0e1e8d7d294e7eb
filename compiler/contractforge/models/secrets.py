"""``{{ secret:<scope>/<key> }}`` placeholders (docs/secrets.md).

Case-insensitive ``secret:``; scope = everything before the *first* ``/``; both non-empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

SECRET_PATTERN = re.compile(r"\{\{\s*secret\s*:\s*([^/{}\s][^/{}]*?)\s*/\s*([^{}]*?)\s*\}\}", re.IGNORECASE)
_ANY_SECRET = re.compile(r"\{\{\s*secret\s*:", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class SecretRef:
    scope: str
    key: str

    @property
    def reference(self) -> str:
        return f"{self.scope}/{self.key}"

    @property
    def placeholder(self) -> str:
        return "{{ secret:" + self.reference + " }}"


def find_secrets(text: str) -> list[SecretRef]:
    """Every well-formed placeholder in ``text``, in order of appearance."""
    return [
        SecretRef(m.group(1).strip(), m.group(2).strip())
        for m in SECRET_PATTERN.finditer(text)
        if m.group(2).strip()
    ]


def is_secret_placeholder(text: str) -> bool:
    """True when the whole string is exactly one placeholder."""
    match = SECRET_PATTERN.fullmatch(text.strip()) if isinstance(text, str) else None
    return bool(match and match.group(2).strip())


def malformed_secrets(text: str) -> bool:
    """True when ``text`` mentions ``{{ secret:`` but not every mention parses (missing scope/key)."""
    if not isinstance(text, str) or not _ANY_SECRET.search(text):
        return False
    return len(_ANY_SECRET.findall(text)) != len(find_secrets(text))


def iter_secrets(value: Any) -> Iterator[SecretRef]:
    """Placeholders found anywhere in nested dicts/lists/strings (dict keys are not searched)."""
    if isinstance(value, str):
        yield from find_secrets(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_secrets(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from iter_secrets(item)
