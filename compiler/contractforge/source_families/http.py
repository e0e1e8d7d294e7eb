"""HTTP sources: ``http_file`` (one file over HTTP: ``http_csv``, ``http_json``, ``http_text``)
and ``rest_api`` (JSON records over pages). See docs/sources.md for auth, pagination, limits."""

from __future__ import annotations

from typing import Any

from contractforge_runtime.environment.secrets import PLACEHOLDER

from contractforge.source_families.checks import SRC, check_enum, check_format, require
from contractforge.source_families.family import ProblemSink, ReadKind, SectionInputs, SourceFamily
from contractforge.source_families.sections import options, plain
from contractforge.source_families.vocabulary import raw_type, value_at

HTTP_FILE_FORMATS = ("csv", "json", "jsonl", "ndjson", "text")
HTTP_FILE_AUTH = ("none", "bearer_token", "api_key", "basic")
REST_AUTH = (*HTTP_FILE_AUTH, "oauth_client_credentials")
REST_METHODS = ("GET", "POST")
REST_PAGINATION = ("none", "page", "offset", "cursor", "link_header")
REST_RESPONSE_MODES = ("records", "raw")
HTTP_LIMITS = ("timeout_seconds", "retry_attempts", "retry_backoff_seconds", "max_bytes", "max_records")
REST_LIMITS = ("page_size", "max_pages", "max_records", "max_page_bytes", "max_total_bytes", "rate_limit_per_minute",
               "timeout_seconds", "retry_attempts", "retry_backoff_seconds")  # fmt: skip
_AUTH_NEEDS = {
    "bearer_token": ("token",),
    "api_key": ("value",),
    "basic": ("username", "password"),
    "oauth_client_credentials": ("client_id", "client_secret"),
}


def _check_http_common(
    problems: ProblemSink, source: dict[str, Any], kind: str, auths: tuple[str, ...]
) -> None:
    require(problems, source, kind, "request.url", "url", "path")
    url = value_at(source, "request.url") or source.get("url") or source.get("path")
    if (
        isinstance(url, str)
        and not PLACEHOLDER.search(url)
        and not url.lower().startswith(("http://", "https://"))
    ):
        problems.add(
            SRC + ("request", "url") if value_at(source, "request.url") else SRC + ("url",),
            f"{kind} URLs must use http or https, got '{url}'",
        )
    auth = source.get("auth")
    if isinstance(auth, dict):
        auth_type = auth.get("type", "none")
        check_enum(problems, SRC + ("auth", "type"), auth_type, auths, "auth.type")
        for key in _AUTH_NEEDS.get(auth_type, ()):
            if auth.get(key) in (None, ""):
                problems.add(
                    SRC + ("auth", key),
                    f"auth.type {auth_type} needs auth.{key}",
                    code="SOURCE_FIELD_REQUIRED",
                )
        if auth_type == "oauth_client_credentials" and not (auth.get("token_url") or auth.get("tenant_id")):
            problems.add(SRC + ("auth",), "oauth_client_credentials needs auth.token_url or auth.tenant_id")


def _check_http_file(problems: ProblemSink, source: dict[str, Any]) -> None:
    kind = raw_type(source)
    _check_http_common(problems, source, kind, HTTP_FILE_AUTH)
    if kind == "http_file":
        if not source.get("format"):
            problems.add(
                SRC + ("format",), "http_file sources need source.format", code="SOURCE_FIELD_REQUIRED"
            )
        check_format(problems, source, HTTP_FILE_FORMATS)
    method = value_at(source, "request.method")
    if method is not None and str(method).upper() != "GET":
        problems.add(SRC + ("request", "method"), f"{kind} sources only support GET, got '{method}'")


def _check_rest_api(problems: ProblemSink, source: dict[str, Any]) -> None:
    _check_http_common(problems, source, "rest_api", REST_AUTH)
    method = value_at(source, "request.method")
    if method is not None:
        check_enum(problems, SRC + ("request", "method"), str(method).upper(), REST_METHODS, "request.method")
    pagination = source.get("pagination")
    if isinstance(pagination, dict):
        kind = pagination.get("type", "none")
        check_enum(problems, SRC + ("pagination", "type"), kind, REST_PAGINATION, "pagination.type")
        if kind == "cursor" and not pagination.get("next_cursor_path"):
            problems.add(SRC + ("pagination", "next_cursor_path"), "cursor pagination needs next_cursor_path")
    response = source.get("response")
    if isinstance(response, dict):
        mode = response.get("mode", "records")
        check_enum(problems, SRC + ("response", "mode"), mode, REST_RESPONSE_MODES, "response.mode")
        if mode == "raw" and response.get("records_path"):
            problems.add(SRC + ("response", "records_path"), "response.mode raw does not take records_path")
        raw_column = response.get("raw_column")
        if raw_column is not None and not str(raw_column).isidentifier():
            problems.add(SRC + ("response", "raw_column"), "raw_column must be a simple identifier")
    incremental = source.get("incremental")
    if (
        isinstance(incremental, dict)
        and incremental.get("watermark_body_field")
        and not value_at(source, "request.json")
    ):
        problems.add(SRC + ("incremental", "watermark_body_field"), "watermark_body_field needs request.json")


def _http_section(source: dict[str, Any], kind: ReadKind, inputs: SectionInputs) -> dict[str, Any]:
    request = dict(source.get("request") or {})
    request["url"] = request.get("url") or source.get("url") or source.get("path")
    request["method"] = str(request.get("method") or "GET").upper()
    request = plain(request)
    limits = {
        "timeout_seconds": 60,
        "retry_attempts": 1,
        "retry_backoff_seconds": 0,
        **plain(source.get("limits")),
    }
    auth = {"type": "none", **plain(source.get("auth"))}
    plan: dict[str, Any] = {
        "request": request,
        "auth": auth,
        "limits": dict(sorted(limits.items())),
        "incremental": plain(source.get("incremental")),
        "options": options(source.get("options")),
    }
    if kind.family == "http_file":
        plan["format"] = kind.format
        return plan
    pagination = {"type": "none", **plain(source.get("pagination"))}
    pagination.setdefault("max_pages", limits.get("max_pages", 1))
    response = {"mode": "records", **plain(source.get("response"))}
    if response["mode"] == "raw":
        response.setdefault("raw_column", "raw_response")
    plan["pagination"] = dict(sorted(pagination.items()))
    plan["response"] = dict(sorted(response.items()))
    return plan


HTTP_FILE = SourceFamily(
    name="http_file",
    types=("http_file", "http_csv", "http_json", "http_text"),
    check=_check_http_file,
    limits={"http_file": HTTP_LIMITS},
    section=_http_section,
    reads_source_path=True,
)
REST_API = SourceFamily(
    name="rest_api",
    types=("rest_api", "api", "http_api"),
    check=_check_rest_api,
    limits={"rest_api": REST_LIMITS},
    section=_http_section,
)
