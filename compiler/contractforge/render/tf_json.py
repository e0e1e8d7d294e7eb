"""Terraform JSON helpers: literal strings vs. interpolations.

In Terraform JSON every string is a template, so literal text must escape ``${`` as ``$${``
and ``%{`` as ``%%{``; interpolations are written ``"${expression}"``. Renderers build values
with :func:`literal` (escapes recursively) and :func:`ref` (an expression), and mark places
that must become expressions inside otherwise literal text with *tokens* (e.g. the account id
inside an IAM policy string), which :func:`resolve_tokens` swaps after escaping.
"""

from __future__ import annotations

from typing import Any


def escape(text: str) -> str:
    return text.replace("${", "$${").replace("%{", "%%{")


def literal(value: Any) -> Any:
    """``value`` with every string escaped (keys too), safe to embed as literal Terraform JSON."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return {escape(k): literal(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [literal(v) for v in value]
    return value


def ref(expression: str) -> str:
    return "${" + expression + "}"


def resolve_tokens(escaped_text: str, tokens: dict[str, str]) -> str:
    """Turn escaped tokens (``$${token}``) back into interpolations of their expressions."""
    for token, expression in tokens.items():
        escaped_token = escape(token)
        escaped_text = escaped_text.replace(escaped_token, ref(expression))
    return escaped_text


def quoted_key(key: str) -> str:
    """``"key"`` for use inside an index expression (``module.x["key"]``)."""
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
