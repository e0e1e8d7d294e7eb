"""Inline credentials are refused: secrets must be ``{{ secret:scope/key }}`` placeholders.

Why at validation time: upstream only refused them while rendering a Glue script (docs/secrets.md),
so ``validate`` happily passed a contract with a literal password in it.
"""

from __future__ import annotations

import re
from typing import Any

from contractforge_runtime.environment.secrets import PLACEHOLDER, is_placeholder

from contractforge.validation.locate import PathKey, Problems

RDS_IAM_TOKEN = re.compile(r"^\{\{\s*rds_iam_token\s*\}\}$", re.IGNORECASE)
URL_CREDENTIALS = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://([^/\s:@]+):([^/\s@]+)@")
INLINE_KV_SECRET = re.compile(
    r"(?i)\b(password|passwd|pwd|secret|token|sharedaccesskey|accountkey)\s*=\s*(\{\{[^}]*\}\}|\"[^\"]*\"|'[^']*'|[^;\s]+)"
)
SENSITIVE_HEADERS = {
    "authorization",
    "proxy_authorization",
    "x_api_key",
    "api_key",
    "x_auth_token",
    "x_access_token",
    "cookie",
    "set_cookie",
}
# Keys whose *value* names something (a URL, a header, a parameter) rather than holding a secret.
_NAME_LIKE_SUFFIXES = (
    "_url",
    "_uri",
    "_path",
    "_param",
    "_header",
    "_type",
    "_name",
    "_location",
    "_mechanism",
)


def _norm(key: str) -> str:
    return key.strip().lower().replace("-", "_").replace(".", "_")


def is_sensitive_key(key: str) -> bool:
    name = _norm(key)
    if name.endswith(_NAME_LIKE_SUFFIXES):
        return False
    return (
        name.endswith(("password", "passwd", "token"))
        or "secret" in name
        or "api_key" in name
        or "apikey" in name
        or "private_key" in name
        or name in ("sfpassword", "connection_string", "connectionstring", "eventhubs_connectionstring")
    )


def _holds_placeholder(value: Any) -> bool:
    return isinstance(value, str) and PLACEHOLDER.search(value) is not None


def _check_value(problems: Problems, path: PathKey, value: Any, *, whole: bool) -> None:
    if value is None or value == "":
        return
    if whole and (is_placeholder(value) or (isinstance(value, str) and RDS_IAM_TOKEN.match(value.strip()))):
        return
    if not whole and _holds_placeholder(value):
        return
    problems.add(
        path,
        "inline credential refused; reference a secret instead",
        suggestion="use a placeholder such as '{{ secret:scope/key }}'",
        code="INLINE_CREDENTIAL",
    )


def _check_strings(problems: Problems, path: PathKey, value: Any, *, key_values: bool) -> None:
    """URL-embedded ``user:password@`` anywhere under the source (queries excepted) and, where
    connection-string-like values live (options, URLs), ``password=…`` fragments."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "query":
                continue  # SQL text may legitimately say `token = 'x'`
            inner = key_values or key in ("options", "url", "connection_string")
            _check_strings(problems, (*path, key), child, key_values=inner)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _check_strings(problems, (*path, index), child, key_values=key_values)
    elif isinstance(value, str):
        for match in URL_CREDENTIALS.finditer(value):
            if not PLACEHOLDER.search(match.group(2)) and not PLACEHOLDER.search(value[match.start(2) :]):
                problems.add(
                    path,
                    "URL with inline user:password refused; move the credentials to auth with secret placeholders",
                    code="INLINE_CREDENTIAL",
                )
                return
        for match in INLINE_KV_SECRET.finditer(value) if key_values else ():
            if not _holds_placeholder(match.group(2)):
                problems.add(
                    path,
                    f"inline '{match.group(1)}=' value refused; use a '{{{{ secret:scope/key }}}}' placeholder",
                    code="INLINE_CREDENTIAL",
                )
                return


def check_source_credentials(problems: Problems, source: dict[str, Any], base: PathKey = ("source",)) -> None:
    auth = source.get("auth")
    if isinstance(auth, dict):
        for key, value in auth.items():
            if is_sensitive_key(key) or (key == "value" and str(auth.get("type", "")).lower() == "api_key"):
                _check_value(problems, (*base, "auth", key), value, whole=True)
    for block in ("options", "read"):
        mapping = source.get(block)
        if isinstance(mapping, dict):
            for key, value in mapping.items():
                if is_sensitive_key(str(key)):
                    whole = "connection" not in _norm(str(key)) and "jaas" not in _norm(str(key))
                    _check_value(problems, (*base, block, key), value, whole=whole)
    for key in ("connection_string",):
        if key in source:
            _check_value(problems, (*base, key), source[key], whole=False)
    request = source.get("request")
    if isinstance(request, dict) and isinstance(request.get("headers"), dict):
        for name, value in request["headers"].items():
            normalised = _norm(str(name))
            if normalised in SENSITIVE_HEADERS or "token" in normalised or "secret" in normalised:
                _check_value(problems, (*base, "request", "headers", name), value, whole=False)
    _check_strings(problems, base, source, key_values=False)
