"""Secret placeholders must read ``{{ secret:<scope>/<key> }}`` wherever they appear.

A malformed one (``{{ secret:pg }}``, ``{{ secret:/ }}``, an unclosed ``{{ secret:pg/user }``)
is a located error here instead of a failure while run plans are built or a secret is fetched.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from contractforge_runtime.environment.secrets import PLACEHOLDER, SecretError, parse_placeholder

from contractforge.validation.locate import PathKey, Problems

_SECRET_MENTION = re.compile(r"\{\{?\s*secret\b", re.IGNORECASE)
_BRACED = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_EXAMPLE = "{{ secret:<scope>/<key> }}"


def check_placeholders(problems: Problems, value: Any, path: PathKey = ()) -> None:
    """Every string below ``value`` (mapping keys included in the path, not checked)."""
    if not _mentions_secret(value):  # most contracts: one C-speed scan instead of a walk
        return
    stack: list[tuple[PathKey, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            stack.extend(((*where, key), child) for key, child in item.items())
        elif isinstance(item, (list, tuple)):
            stack.extend(((*where, index), child) for index, child in enumerate(item))
        elif isinstance(item, str) and "secret" in item.lower() and "{" in item:
            problem = placeholder_problem(item)
            if problem:
                problems.add(where, problem, code="SECRET_PLACEHOLDER_INVALID")


def _mentions_secret(value: Any) -> bool:
    """False only when no string below ``value`` can hold "secret" (a key may: then the walk decides)."""
    try:
        text = orjson.dumps(value).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        return True
    return "secret" in text.lower()


def placeholder_problem(text: str) -> str | None:
    """Why the secret placeholders in ``text`` are malformed (None when they are fine)."""
    for match in _BRACED.finditer(text):
        inner = match.group(1).strip()
        if not inner.lower().startswith("secret"):
            continue
        whole = PLACEHOLDER.fullmatch(match.group(0))
        if whole is None:
            return f"malformed secret placeholder '{match.group(0)}'; write {_EXAMPLE}"
        try:
            parse_placeholder(whole.group(1))
        except SecretError:
            return f"secret placeholder '{match.group(0)}' needs a scope and a key: {_EXAMPLE}"
    leftover = _BRACED.sub("", text)
    if _SECRET_MENTION.search(leftover):
        return f"unclosed or malformed secret placeholder in '{_short(text)}'; write {_EXAMPLE}"
    return None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
