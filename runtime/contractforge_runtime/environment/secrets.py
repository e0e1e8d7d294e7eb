"""Secret placeholders ``{{ secret:scope/key }}``: resolution at run time and redaction.

The scope is everything before the *first* ``/``, the key everything after it (docs/secrets.md).

Stores (docs/secrets.md):
- AWS Glue: Secrets Manager, ``GetSecretValue(SecretId=<scope>)``; a JSON-object SecretString
  yields ``object[<key>]``, any other SecretString is returned whole.
- Local: env var ``CONTRACTFORGE_SECRET_<SCOPE>_<KEY>`` (upper case, every non-alphanumeric
  character turned into ``_``), then the JSON file named by ``CONTRACTFORGE_SECRETS_FILE``
  (default ``.contractforge/secrets.json``) holding ``{"scope": {"key": "value"}}`` or
  ``{"scope/key": "value"}``.

Every resolved value is remembered by the resolver so ``redact`` can mask it wherever it
later shows up (evidence, logs, error messages).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REDACTED = "***REDACTED***"
PLACEHOLDER = re.compile(r"\{\{\s*secret\s*:\s*([^{}]+?)\s*\}\}", re.IGNORECASE)
ENV_PREFIX = "CONTRACTFORGE_SECRET_"
SECRETS_FILE_ENV = "CONTRACTFORGE_SECRETS_FILE"
DEFAULT_SECRETS_FILE = ".contractforge/secrets.json"

# Key names (normalised: lower case, alphanumerics only) that always hold sensitive values.
_SENSITIVE_KEY_PARTS = (
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "authorization",
    "credential",
    "privatekey",
    "passphrase",
    "connectionstring",
    "sharedaccesskey",
    "signature",
    "cookie",
    "jaasconfig",
)
_TEXT_PATTERNS = (
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 " + REDACTED),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/\s:@]+):([^/\s@]+)@"), r"\1\2:" + REDACTED + "@"),
    (
        re.compile(
            r"(?i)\b((?:password|passwd|pwd|secret|token|api_?key|access_token|client_secret|sig|signature"
            r"|x-amz-signature|x-amz-security-token|sharedaccesskey)\s*[=:]\s*\"?)([^\"&;,\s]+)"
        ),
        r"\1" + REDACTED,
    ),
    (
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL),
        REDACTED,
    ),
)


class SecretError(Exception):
    """A placeholder is malformed or cannot be resolved (the message never holds a value)."""


def parse_placeholder(reference: str) -> tuple[str, str]:
    """``"scope/key"`` → ``("scope", "key")``; the first ``/`` splits, both parts non-empty."""
    scope, sep, key = reference.strip().partition("/")
    if not sep or not scope.strip() or not key.strip():
        raise SecretError(f"secret placeholder '{{{{ secret:{reference} }}}}' must read scope/key")
    return scope.strip(), key.strip()


def placeholders_in(obj: Any) -> list[tuple[str, str]]:
    """Every (scope, key) referenced anywhere in a nested dict/list/str, in first-seen order."""
    found: list[tuple[str, str]] = []
    for text in _strings(obj):
        for match in PLACEHOLDER.finditer(text):
            ref = parse_placeholder(match.group(1))
            if ref not in found:
                found.append(ref)
    return found


def is_placeholder(value: Any) -> bool:
    """True when the whole value is one secret placeholder."""
    return isinstance(value, str) and PLACEHOLDER.fullmatch(value.strip()) is not None


def env_var_name(scope: str, key: str) -> str:
    """``CONTRACTFORGE_SECRET_<SCOPE>_<KEY>`` with every non-alphanumeric character → ``_``."""
    return ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", f"{scope}_{key}".upper())


# --------------------------------------------------------------------------------------------- stores
class EnvSecretStore:
    """Local store 1: environment variables."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def lookup(self, scope: str, key: str) -> str | None:
        return self._environ.get(env_var_name(scope, key))

    def describe(self, scope: str, key: str) -> str:
        return f"env var {env_var_name(scope, key)}"


class FileSecretStore:
    """Local store 2: a JSON file ``{"scope": {"key": v}}`` or ``{"scope/key": v}``."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path or os.environ.get(SECRETS_FILE_ENV) or DEFAULT_SECRETS_FILE)
        self._data: dict[str, Any] | None = None

    def lookup(self, scope: str, key: str) -> str | None:
        data = self._load()
        if f"{scope}/{key}" in data:
            return _as_text(data[f"{scope}/{key}"])
        entry = data.get(scope)
        if isinstance(entry, dict) and key in entry:
            return _as_text(entry[key])
        return None

    def describe(self, scope: str, key: str) -> str:
        return f"secrets file {self.path}"

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            if not self.path.is_file():
                self._data = {}
            else:
                try:
                    loaded = json.loads(self.path.read_text(encoding="utf-8"))
                except ValueError as exc:
                    raise SecretError(f"secrets file {self.path} is not valid JSON: {exc.msg}") from None
                if not isinstance(loaded, dict):
                    raise SecretError(f"secrets file {self.path} must hold a JSON object")
                self._data = loaded
        return self._data


class SecretsManagerStore:
    """Glue store: one Secrets Manager secret per scope; a JSON object secret is indexed by key."""

    def __init__(self, client: Any | None = None, *, region_name: str | None = None) -> None:
        self._client = client
        self._region_name = region_name
        self._cache: dict[str, str] = {}

    def lookup(self, scope: str, key: str) -> str | None:
        secret_string = self._secret_string(scope)
        try:
            parsed = json.loads(secret_string)
        except ValueError:
            return secret_string
        if isinstance(parsed, dict):
            if key in parsed:
                return _as_text(parsed[key])
            return None
        return secret_string

    def describe(self, scope: str, key: str) -> str:
        return f"Secrets Manager secret '{scope}' (JSON key '{key}')"

    def _secret_string(self, scope: str) -> str:
        if scope not in self._cache:
            client = self._client_or_default()
            try:
                response = client.get_secret_value(SecretId=scope)
            except Exception as exc:  # botocore ClientError and friends; never echo the payload
                code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
                raise SecretError(f"cannot read Secrets Manager secret '{scope}': {code}") from None
            if "SecretString" in response:
                self._cache[scope] = response["SecretString"]
            else:
                self._cache[scope] = bytes(response["SecretBinary"]).decode("utf-8")
        return self._cache[scope]

    def _client_or_default(self) -> Any:
        if self._client is None:
            import boto3

            self._client = boto3.client("secretsmanager", region_name=self._region_name)
        return self._client


# ------------------------------------------------------------------------------------------ resolver
class SecretResolver:
    """Resolves placeholders through an ordered chain of stores and remembers what it revealed."""

    def __init__(self, stores: Iterable[Any]) -> None:
        self.stores = list(stores)
        self._revealed: set[str] = set()

    @classmethod
    def local(
        cls, *, environ: dict[str, str] | None = None, secrets_file: str | None = None
    ) -> SecretResolver:
        return cls([EnvSecretStore(environ), FileSecretStore(secrets_file)])

    @classmethod
    def aws(cls, client: Any | None = None, *, region_name: str | None = None) -> SecretResolver:
        return cls([SecretsManagerStore(client, region_name=region_name)])

    @classmethod
    def for_runtime(cls, runtime_type: str) -> SecretResolver:
        """``aws_glue`` → Secrets Manager; anything else → env vars then the JSON file."""
        return cls.aws() if runtime_type == "aws_glue" else cls.local()

    def secret(self, scope: str, key: str) -> str:
        for store in self.stores:
            value = store.lookup(scope, key)
            if value is not None:
                if value:
                    self._revealed.add(value)
                return value
        looked = "; ".join(store.describe(scope, key) for store in self.stores) or "no secret store"
        raise SecretError(f"secret '{scope}/{key}' not found (looked in: {looked})")

    def resolve(self, obj: Any) -> Any:
        """A deep copy of ``obj`` with every placeholder inside every string replaced by its value."""
        if isinstance(obj, str):
            return PLACEHOLDER.sub(lambda m: self.secret(*parse_placeholder(m.group(1))), obj)
        if isinstance(obj, dict):
            return {k: self.resolve(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [self.resolve(v) for v in obj]
        return obj

    def remember(self, value: str) -> None:
        """Treat a derived value (e.g. an OAuth access token, a base64 basic header) as secret."""
        if value:
            self._revealed.add(value)

    @property
    def revealed(self) -> frozenset[str]:
        return frozenset(self._revealed)

    def redact(self, obj: Any) -> Any:
        return redact(obj, self._revealed)


# ----------------------------------------------------------------------------------------- redaction
_DESCRIPTIVE_LAST_WORDS = {
    "url",
    "uri",
    "endpoint",
    "type",
    "header",
    "param",
    "path",
    "name",
    "mode",
    "location",
}


def resolver_for(run: Any) -> SecretResolver:
    """The run's resolver (``RunContext.secret_resolver()``); without a run, the local one."""
    return SecretResolver.for_runtime("local") if run is None else run.secret_resolver()


def is_sensitive_key(name: str) -> bool:
    words = [w for w in re.split(r"[^a-z0-9]+", _split_camel(str(name)).lower()) if w]
    if len(words) > 1 and words[-1] in _DESCRIPTIVE_LAST_WORDS:
        return False  # token_url, api_key_header, token_type: they describe a secret, not hold one
    normalised = re.sub(r"[^a-z0-9]", "", str(name).lower())
    if any(part in normalised for part in _SENSITIVE_KEY_PARTS):
        return True
    # "x-api-key", "api_key", "access_key", "sas": sensitive when they are a whole word of the key.
    unique = set(words)
    return bool(unique & {"sas", "pwd"}) or ("key" in unique and bool(unique & {"api", "access", "account"}))


def redact(obj: Any, secrets: Iterable[str] = ()) -> Any:
    """Copy of ``obj`` safe for evidence and logs.

    Values under sensitive keys become ``***REDACTED***`` (a value that is only a placeholder
    stays visible: it names, but does not reveal, the secret); every known secret value is
    masked inside any string; text patterns (Bearer/Basic values, ``scheme://user:pass@``,
    ``password=…``, PEM private keys) are masked too.
    """
    known = sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True)
    return _redact(obj, known, under_sensitive_key=False)


def _redact(obj: Any, known: list[str], under_sensitive_key: bool) -> Any:
    if isinstance(obj, dict):
        return {k: _redact(v, known, under_sensitive_key or is_sensitive_key(k)) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_redact(v, known, under_sensitive_key) for v in obj]
    if isinstance(obj, str):
        if under_sensitive_key:
            return obj if is_placeholder(obj) else REDACTED
        return _redact_text(obj, known)
    if under_sensitive_key and obj is not None and not isinstance(obj, bool):
        return REDACTED
    return obj


def _redact_text(text: str, known: list[str]) -> str:
    for value in known:
        text = text.replace(value, REDACTED)
    pieces = []
    last = 0
    for match in PLACEHOLDER.finditer(text):  # placeholders name secrets; they stay readable
        pieces.append(_mask_patterns(text[last : match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_mask_patterns(text[last:]))
    return "".join(pieces)


def _mask_patterns(text: str) -> str:
    for pattern, replacement in _TEXT_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _split_camel(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)


def _strings(obj: Any) -> Iterable[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _strings(value)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _strings(value)


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
