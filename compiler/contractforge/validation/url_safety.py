"""Where a source may point, decided at plan time (the runtime guards again when it connects).

- REST / HTTP-file URLs: the cloud instance-metadata service and link-local addresses are always
  refused; loopback, private and unspecified addresses (literal IPs and ``localhost``) are refused
  unless ``request.allow_private_targets: true`` or ``CONTRACTFORGE_ALLOW_PRIVATE_HTTP_TARGETS`` —
  the same switch the runtime honours, meant for local runs against a loopback stub. Only
  ``http``/``https`` URLs are accepted. Host names are not resolved (plans stay offline and
  deterministic); the runtime resolves once and checks the address it connects to.
- File sources run in a Glue job: a local filesystem path (``/data/x.csv``, ``./x``, ``file:``)
  cannot be read there; paths must be object-store URIs (``s3://bucket/prefix/``).
"""

from __future__ import annotations

import ipaddress
import os
import urllib.parse
from typing import Any

from contractforge_runtime.sources.http_client import ALLOW_PRIVATE_ENV, METADATA_ADDRESSES

from contractforge.validation.locate import PathKey, Problems

_METADATA_HOSTS = ("metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal")
_LOOPBACK_HOSTS = ("localhost", "localhost.localdomain", "ip6-localhost")
_TRUE = ("1", "true", "yes", "on")
_OBJECT_STORE_SCHEMES = ("s3", "s3a", "s3n", "abfs", "abfss", "wasb", "wasbs", "gs", "adl")


def _private_allowed(allow_flag: Any) -> bool:
    return allow_flag is True or os.environ.get(ALLOW_PRIVATE_ENV, "").strip().lower() in _TRUE


def url_problem(url: str, allow_private: bool) -> tuple[str, str] | None:
    """(message, code) when ``url`` may not be requested, else None."""
    if "{{" in url:
        return None  # a secret placeholder; the runtime checks the resolved URL
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        return f"'{url}' must be an http:// or https:// URL", "URL_SCHEME_INVALID"
    try:
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return f"'{url}' has no readable host", "URL_INVALID"
    if not host:
        return f"'{url}' has no host", "URL_INVALID"
    if host in _METADATA_HOSTS:
        return f"'{url}' targets the instance-metadata service; sources may never read it", "URL_SSRF_REFUSED"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and (address in METADATA_ADDRESSES or address.is_link_local):
        return (f"'{url}' targets a link-local / instance-metadata address; sources may never read it",
                "URL_SSRF_REFUSED")  # fmt: skip
    private = host in _LOOPBACK_HOSTS or (
        address is not None
        and (address.is_loopback or address.is_private or address.is_unspecified or address.is_reserved)
    )
    if private and not allow_private:
        return (f"'{url}' targets a loopback or private address, which a Glue job cannot (or may not) "
                "reach; set request.allow_private_targets: true for a private endpoint in your VPC",
                "URL_SSRF_REFUSED")  # fmt: skip
    return None


def check_source_urls(problems: Problems, source: dict[str, Any], family: str | None) -> None:
    if family not in ("rest_api", "http_file"):
        return
    request = source.get("request") if isinstance(source.get("request"), dict) else {}
    allow = _private_allowed(request.get("allow_private_targets", source.get("allow_private_targets")))
    candidates = [(("source", "request", "url"), request.get("url")), (("source", "url"), source.get("url"))]
    if family == "http_file":
        candidates.append((("source", "path"), source.get("path")))
    auth = source.get("auth") if isinstance(source.get("auth"), dict) else {}
    candidates.append((("source", "auth", "token_url"), auth.get("token_url")))
    for path, value in candidates:
        if isinstance(value, str) and value.strip():
            found = url_problem(value, allow)
            if found:
                problems.add(path, found[0], code=found[1])


def local_path_problem(path: str) -> str | None:
    text = path.strip()
    if not text or "{{" in text or "${" in text:
        return None
    scheme = urllib.parse.urlsplit(text).scheme.lower()
    if scheme in _OBJECT_STORE_SCHEMES:
        return None
    if scheme == "file" or not scheme or (len(scheme) == 1 and text[1:2] == ":"):  # C:\data
        return (f"'{path}' is a local filesystem path; a Glue job cannot read it — use an object-store URI "
                "such as s3://bucket/prefix/ (local runs map s3:// to .contractforge/s3)")  # fmt: skip
    return None


def check_source_paths(problems: Problems, source: dict[str, Any], family: str | None) -> None:
    if family not in ("files", "object_storage", "incremental_files", "autoloader"):
        return
    paths: list[tuple[PathKey, Any]] = [(("source", "path"), source.get("path"))]
    extra = source.get("paths")
    if isinstance(extra, (list, tuple)):
        paths += [(("source", "paths", index), value) for index, value in enumerate(extra)]
    for key, value in paths:
        if isinstance(value, str):
            problem = local_path_problem(value)
            if problem:
                problems.add(key, problem, code="SOURCE_PATH_LOCAL")
