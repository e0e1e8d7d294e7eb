"""A small, guarded HTTP client for the REST and HTTP-file sources (stdlib only).

Guards, all on by default:
- SSRF: the host is resolved once; loopback, private, link-local, reserved, multicast and
  unspecified addresses are refused unless private targets are allowed (env
  ``CONTRACTFORGE_ALLOW_PRIVATE_HTTP_TARGETS`` ∈ {1,true,yes,on} or the plan flag
  ``request.allow_private_targets``). Cloud metadata addresses are refused even then. The
  connection goes to the vetted IP (no second DNS lookup, so no DNS rebinding); HTTPS still
  verifies the certificate against the host name.
- Redirects are refused (a 3xx is an error naming the Location).
- Byte limits: a page larger than ``max_page_bytes``, or a run larger than ``max_total_bytes``,
  is refused with an error; the body is read incrementally so an oversize body is never
  buffered whole.
- Retries on 408/429/500/502/503/504 and network errors with exponential backoff; a
  ``Retry-After`` header wins. ``rate_limit_per_minute`` spaces requests out.
"""

from __future__ import annotations

import email.utils
import http.client
import ipaddress
import os
import socket
import ssl
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ALLOW_PRIVATE_ENV = "CONTRACTFORGE_ALLOW_PRIVATE_HTTP_TARGETS"
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
MAX_RETRY_AFTER_SECONDS = 300.0
MAX_BACKOFF_SECONDS = 60.0
_CHUNK = 64 * 1024


class HttpSourceError(Exception):
    """A request the source refuses to make or whose answer it refuses to accept."""


class UnsafeTargetError(HttpSourceError):
    """SSRF guard: the URL points at an address the run may not reach."""


class RedirectRefusedError(HttpSourceError):
    """The server answered with a redirect; sources never follow them."""


class ByteLimitExceededError(HttpSourceError):
    """A page or the whole run exceeded max_page_bytes / max_total_bytes."""


class HttpStatusError(HttpSourceError):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class HttpLimits:
    timeout_seconds: float = 60.0
    retry_attempts: int = 1  # retries after the first attempt
    retry_backoff_seconds: float = 0.0
    max_page_bytes: int | None = None
    max_total_bytes: int | None = None
    rate_limit_per_minute: int | None = None

    @classmethod
    def from_mapping(cls, limits: Mapping[str, Any] | None) -> HttpLimits:
        limits = dict(limits or {})

        def number(name: str, default: Any, kind: type) -> Any:
            value = limits.get(name)
            return default if value is None else kind(value)

        return cls(
            timeout_seconds=number("timeout_seconds", 60.0, float),
            retry_attempts=number("retry_attempts", 1, int),
            retry_backoff_seconds=number("retry_backoff_seconds", 0.0, float),
            max_page_bytes=number("max_page_bytes", number("max_bytes", None, int), int),
            max_total_bytes=number("max_total_bytes", None, int),
            rate_limit_per_minute=number("rate_limit_per_minute", None, int) or None,
        )


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes
    url: str

    def text(self) -> str:
        return self.body.decode("utf-8")

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class RequestStats:
    requests: int = 0
    retries: int = 0
    bytes_read: int = 0
    waits_seconds: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "http_requests": self.requests,
            "http_retries": self.retries,
            "bytes_read": self.bytes_read,
            "wait_seconds_total": round(sum(self.waits_seconds), 3),
        }


def private_targets_allowed(flag: bool | None = None) -> bool:
    if flag:
        return True
    return os.environ.get(ALLOW_PRIVATE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def vet_address(address: str, allow_private: bool) -> None:
    """Raise UnsafeTargetError when an IP may not be contacted."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        raise UnsafeTargetError(f"refusing cloud metadata address {ip}")
    blocked = (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )
    if blocked and not allow_private:
        raise UnsafeTargetError(
            f"refusing non-public address {ip} (set {ALLOW_PRIVATE_ENV}=1 or "
            "request.allow_private_targets: true to allow private targets)"
        )


def resolve_target(host: str, port: int, allow_private: bool) -> str:
    """Resolve ``host`` and vet every address; returns the address to connect to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise HttpSourceError(f"cannot resolve host {host!r}: {exc.strerror}") from None
    addresses = sorted({info[4][0] for info in infos}, key=lambda a: (":" in a, a))
    if not addresses:
        raise HttpSourceError(f"host {host!r} resolved to no address")
    for address in addresses:
        vet_address(address, allow_private)
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(
        self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext | None = None
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context or ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class HttpClient:
    """One client per source read; it carries the byte budget and the request statistics."""

    def __init__(
        self,
        limits: HttpLimits | None = None,
        *,
        allow_private: bool = False,
        redact: Callable[[Any], Any] = lambda value: value,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.limits = limits or HttpLimits()
        self.allow_private = allow_private
        self.stats = RequestStats()
        self._redact = redact
        self._sleep = sleep
        self._clock = clock
        self._last_request_at: float | None = None
        self._ssl_context = ssl_context  # None = the system trust store, hostname checked

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> HttpResponse:
        full_url = with_params(url, params)
        attempts = 1 + max(0, self.limits.retry_attempts)
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            try:
                response = self._send_once(method, full_url, headers or {}, body)
            except ssl.SSLError as exc:  # certificate problems do not heal with retries
                raise HttpSourceError(f"{method} {self._redact(full_url)}: TLS failure: {exc}") from None
            except (OSError, http.client.HTTPException) as exc:
                if isinstance(exc, HttpSourceError) or last:
                    raise HttpSourceError(
                        f"{method} {self._redact(full_url)} failed: {self._redact(str(exc))}"
                    ) from None
                self._wait(self._backoff(attempt))
                self.stats.retries += 1
                continue
            if response.status in RETRYABLE_STATUSES and not last:
                self._wait(self._retry_delay(response, attempt))
                self.stats.retries += 1
                continue
            return self._checked(method, full_url, response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _checked(self, method: str, url: str, response: HttpResponse) -> HttpResponse:
        if 300 <= response.status < 400:
            location = response.header("location") or "(no Location header)"
            raise RedirectRefusedError(
                f"{method} {self._redact(url)} answered {response.status} redirect to "
                f"{self._redact(location)}; redirects are refused, use the final URL in the contract"
            )
        if response.status >= 400:
            snippet = self._redact(response.body[:300].decode("utf-8", "replace"))
            raise HttpStatusError(
                f"{method} {self._redact(url)} answered HTTP {response.status}: {snippet}", response.status
            )
        return response

    def _send_once(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> HttpResponse:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise HttpSourceError(f"only http(s) URLs are allowed, got {self._redact(url)}")
        if parts.username or parts.password:
            raise HttpSourceError("credentials embedded in the URL are refused; use auth with secrets")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = resolve_target(parts.hostname, port, self.allow_private)
        timeout = self.limits.timeout_seconds
        if parts.scheme == "https":
            connection = _PinnedHTTPSConnection(parts.hostname, port, address, timeout, self._ssl_context)
        else:
            connection = _PinnedHTTPConnection(parts.hostname, port, address, timeout)
        path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        self._respect_rate_limit()
        self.stats.requests += 1
        try:
            connection.request(method, path, body=body, headers=dict(headers))
            raw = connection.getresponse()
            payload = self._read_body(raw, url)
            response_headers = {k.lower(): v for k, v in raw.getheaders()}
            return HttpResponse(raw.status, response_headers, payload, url)
        finally:
            connection.close()

    def _read_body(self, raw: http.client.HTTPResponse, url: str) -> bytes:
        page_limit = self.limits.max_page_bytes
        total_limit = self.limits.max_total_bytes
        declared = raw.getheader("content-length")
        if page_limit is not None and declared and declared.isdigit() and int(declared) > page_limit:
            raise ByteLimitExceededError(
                f"{self._redact(url)}: response of {declared} bytes exceeds max_page_bytes={page_limit}"
            )
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = raw.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if page_limit is not None and size > page_limit:
                raise ByteLimitExceededError(
                    f"{self._redact(url)}: response exceeds max_page_bytes={page_limit}"
                )
            if total_limit is not None and self.stats.bytes_read + size > total_limit:
                raise ByteLimitExceededError(
                    f"{self._redact(url)}: run exceeds max_total_bytes={total_limit} "
                    f"after {self.stats.requests} request(s)"
                )
            chunks.append(chunk)
        if raw.status < 300 or raw.status >= 400:
            self.stats.bytes_read += size
        return b"".join(chunks)

    def _respect_rate_limit(self) -> None:
        rate = self.limits.rate_limit_per_minute
        now = self._clock()
        if rate and self._last_request_at is not None:
            wait = 60.0 / rate - (now - self._last_request_at)
            if wait > 0:
                self._wait(wait)
                now = self._clock()
        self._last_request_at = now

    def _retry_delay(self, response: HttpResponse, attempt: int) -> float:
        retry_after = parse_retry_after(response.header("retry-after"))
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER_SECONDS)
        return self._backoff(attempt)

    def _backoff(self, attempt: int) -> float:
        return min(self.limits.retry_backoff_seconds * (2 ** (attempt - 1)), MAX_BACKOFF_SECONDS)

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.stats.waits_seconds.append(seconds)
            self._sleep(seconds)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def with_params(url: str, params: Mapping[str, Any] | None) -> str:
    """Append query parameters (None values dropped, booleans lower-cased) to a URL."""
    if not params:
        return url
    pairs = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = str(value).lower()
        pairs.append((str(key), str(value)))
    if not pairs:
        return url
    parts = urllib.parse.urlsplit(url)
    query = parts.query + ("&" if parts.query else "") + urllib.parse.urlencode(pairs)
    return urllib.parse.urlunsplit(parts._replace(query=query))


def next_link(link_header: str | None) -> str | None:
    """The ``rel="next"`` target of an RFC 8288 Link header."""
    if not link_header:
        return None
    for part in link_header.split(","):
        segments = part.split(";")
        target = segments[0].strip()
        if not (target.startswith("<") and target.endswith(">")):
            continue
        for param in segments[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "rel" and "next" in value.strip().strip('"').lower().split():
                return target[1:-1]
    return None
