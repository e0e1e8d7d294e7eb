"""Request building shared by the REST and HTTP-file sources: secrets, headers and auth.

Credentials only come from secret placeholders: an auth credential field or a sensitive header
(Authorization, X-Api-Key, anything naming a token/secret/password) holding a literal is refused.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contractforge_runtime.environment.secrets import PLACEHOLDER, SecretResolver, is_sensitive_key
from contractforge_runtime.sources.http_client import HttpClient, HttpLimits, private_targets_allowed

AUTH_TYPES = ("none", "bearer_token", "api_key", "basic", "oauth_client_credentials")
_CREDENTIAL_FIELDS = {
    "bearer_token": ("token",),
    "api_key": ("value",),
    "basic": ("password",),
    "oauth_client_credentials": ("client_secret",),
}
ENTRA_TOKEN_URL = "https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token"


class HttpAuthError(Exception):
    """Auth configuration the source refuses (inline credentials, unknown type, failed token call)."""


@dataclass
class PreparedAuth:
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)


def allow_private(source: Mapping[str, Any]) -> bool:
    request = source.get("request") or {}
    return private_targets_allowed(
        bool(request.get("allow_private_targets") or source.get("allow_private_targets"))
    )


def new_client(source: Mapping[str, Any], resolver: SecretResolver, **kwargs: Any) -> HttpClient:
    limits = dict(source.get("read") or {})  # retry_attempts is also accepted under read (docs/sources.md)
    limits = {
        k: v for k, v in limits.items() if k in {"retry_attempts", "retry_backoff_seconds", "timeout_seconds"}
    }
    limits.update(source.get("limits") or {})
    return HttpClient(
        HttpLimits.from_mapping(limits), allow_private=allow_private(source), redact=resolver.redact, **kwargs
    )


def request_url(source: Mapping[str, Any]) -> str:
    request = source.get("request") or {}
    url = request.get("url") or source.get("url") or source.get("path")
    if not url:
        raise HttpAuthError("source needs request.url (or url)")
    return str(url)


def refuse_inline_headers(headers: Mapping[str, Any]) -> None:
    for name, value in headers.items():
        if is_sensitive_key(name) and not PLACEHOLDER.search(str(value)):
            raise HttpAuthError(
                f"header {name!r} carries a credential inline; use a {{{{ secret:scope/key }}}} placeholder"
            )


def refuse_inline_credentials(auth: Mapping[str, Any]) -> None:
    auth_type = auth_type_of(auth)
    for name in _CREDENTIAL_FIELDS.get(auth_type, ()):
        value = auth.get(name)
        if value is not None and not PLACEHOLDER.search(str(value)):
            raise HttpAuthError(
                f"auth.{name} of auth type {auth_type} must be a {{{{ secret:scope/key }}}} placeholder"
            )


def auth_type_of(auth: Mapping[str, Any] | None) -> str:
    auth_type = str((auth or {}).get("type") or "none").lower()
    if auth_type == "bearer":
        auth_type = "bearer_token"
    if auth_type not in AUTH_TYPES:
        raise HttpAuthError(f"auth.type {auth_type!r} is not one of {', '.join(AUTH_TYPES)}")
    return auth_type


def prepare_auth(
    auth: Mapping[str, Any] | None, resolver: SecretResolver, client: HttpClient
) -> PreparedAuth:
    """Turn the plan's auth map (placeholders still in it) into headers/params for every request."""
    auth = dict(auth or {})
    auth_type = auth_type_of(auth)
    refuse_inline_credentials(auth)
    resolved = resolver.resolve(auth)
    prepared = PreparedAuth()
    if auth_type == "bearer_token":
        prepared.headers["Authorization"] = f"Bearer {_required(resolved, 'token', auth_type)}"
    elif auth_type == "api_key":
        value = _required(resolved, "value", auth_type)
        if str(resolved.get("in") or "header").lower() == "query":
            prepared.params[str(resolved.get("param") or "api_key")] = value
        else:
            prepared.headers[str(resolved.get("header") or "X-Api-Key")] = value
    elif auth_type == "basic":
        user = str(resolved.get("username") or "")
        password = _required(resolved, "password", auth_type)
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        resolver.remember(token)
        prepared.headers["Authorization"] = f"Basic {token}"
    elif auth_type == "oauth_client_credentials":
        token = fetch_client_credentials_token(resolved, client)
        resolver.remember(token)
        prepared.headers["Authorization"] = f"Bearer {token}"
    return prepared


def fetch_client_credentials_token(auth: Mapping[str, Any], client: HttpClient) -> str:
    """OAuth 2.0 client credentials grant (RFC 6749 §4.4) against ``token_url`` (or Entra ID tenant)."""
    token_url = auth.get("token_url")
    if not token_url and auth.get("tenant_id"):
        token_url = ENTRA_TOKEN_URL.format(tenant_id=urllib.parse.quote(str(auth["tenant_id"])))
    if not token_url:
        raise HttpAuthError("oauth_client_credentials needs auth.token_url or auth.tenant_id")
    form = {"grant_type": "client_credentials", "client_id": _required(auth, "client_id", "oauth")}
    form["client_secret"] = _required(auth, "client_secret", "oauth")
    scopes = auth.get("scopes") or auth.get("scope")
    if scopes:
        form["scope"] = " ".join(scopes) if isinstance(scopes, list) else str(scopes)
    if auth.get("audience"):
        form["audience"] = str(auth["audience"])
    response = client.request(
        "POST",
        str(token_url),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        body=urllib.parse.urlencode(form).encode(),
    )
    try:
        token = json.loads(response.text())["access_token"]
    except (ValueError, KeyError, TypeError):
        raise HttpAuthError("OAuth token endpoint answered without an access_token") from None
    return str(token)


def auth_metadata(auth: Mapping[str, Any] | None, resolver: SecretResolver) -> dict[str, Any]:
    """The plan's auth map for evidence: placeholders stay, anything sensitive is masked."""
    return resolver.redact(dict(auth or {"type": "none"}))


def _required(values: Mapping[str, Any], name: str, auth_type: str) -> str:
    value = values.get(name)
    if value in (None, ""):
        raise HttpAuthError(f"auth type {auth_type} needs auth.{name}")
    return str(value)
