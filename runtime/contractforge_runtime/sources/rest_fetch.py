"""REST fetching (no Spark): request building, pagination with a page budget, records extraction.

Pagination stops at the page budget (``limits.max_pages`` / ``pagination.max_pages``, default 1);
reaching it while the API still offers pages is a recorded warning (or an error with
``pagination.on_budget_exhausted: fail``), never a silent truncation.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contractforge_runtime.environment.secrets import SecretResolver
from contractforge_runtime.sources import http_auth, watermarks
from contractforge_runtime.sources.http_client import HttpClient, HttpResponse, next_link

PAGINATION_TYPES = ("none", "page", "offset", "cursor", "link_header")
DEFAULT_OFFSET_PAGE_SIZE = 100
RAW_COLUMN_DEFAULT = "raw_response"
PAGE_NUMBER_COLUMN = "response_page_number"


class RestSourceError(Exception):
    """The REST source cannot be read as configured."""


@dataclass
class RestFetch:
    records: list[Any]  # records mode: JSON values; raw mode: {raw_column: body, response_page_number: n}
    pages: int
    warnings: list[str] = field(default_factory=list)
    budget_reached: bool = False
    records_capped: bool = False
    watermark_previous: str | None = None
    watermark_origin: str = "none"


def fetch_rest(
    source: Mapping[str, Any],
    resolver: SecretResolver,
    client: HttpClient,
    previous_state: Mapping[str, Any] | None = None,
) -> RestFetch:
    request = dict(source.get("request") or {})
    method = str(request.get("method") or "GET").upper()
    if method not in {"GET", "POST"}:
        raise RestSourceError(f"request.method must be GET or POST, got {method}")
    http_auth.refuse_inline_headers(request.get("headers") or {})
    pagination = dict(source.get("pagination") or {})
    kind = str(pagination.get("type") or "none").lower()
    if kind not in PAGINATION_TYPES:
        raise RestSourceError(f"pagination.type {kind!r} is not one of {', '.join(PAGINATION_TYPES)}")
    limits = dict(source.get("limits") or {})
    max_pages = int(limits.get("max_pages") or pagination.get("max_pages") or 1)
    max_records = limits.get("max_records")
    mode = response_mode(source)

    url = resolver.resolve(http_auth.request_url(source))
    params = resolver.resolve(dict(request.get("params") or {}))
    headers = {"Accept": "application/json", **resolver.resolve(dict(request.get("headers") or {}))}
    body_json = resolver.resolve(request.get("json"))
    raw_body = resolver.resolve(request.get("body"))
    previous, origin = watermarks.previous_watermark(source.get("incremental"), previous_state)
    _apply_incremental(source.get("incremental") or {}, previous, params, headers, body_json)
    auth = http_auth.prepare_auth(source.get("auth"), resolver, client)
    headers.update(auth.headers)
    params.update(auth.params)

    fetch = RestFetch(records=[], pages=0, watermark_previous=previous, watermark_origin=origin)
    page_size = _page_size(kind, pagination, limits)
    page_number = int(pagination.get("start_page") or 1)
    offset = int(pagination.get("start_offset") or 0)
    cursor: str | None = None
    next_url: str | None = url
    while True:
        page_params = dict(params)
        if kind == "page":
            page_params[str(pagination.get("page_param") or "page")] = page_number
            if page_size and pagination.get("page_size_param"):
                page_params[str(pagination["page_size_param"])] = page_size
        elif kind == "offset":
            page_params[str(pagination.get("offset_param") or "offset")] = offset
            page_params[str(pagination.get("limit_param") or "limit")] = page_size
        elif kind == "cursor" and cursor is not None:
            page_params[str(pagination.get("cursor_param") or "cursor")] = cursor
        elif kind == "link_header" and fetch.pages > 0:
            page_params = {}  # the next link carries its own query string
        response = client.request(
            method, next_url, params=page_params, headers=_with_body_type(headers, body_json, raw_body),
            body=_body_bytes(body_json, raw_body),
        )  # fmt: skip
        fetch.pages += 1
        page_records, payload = _page_records(response, source, mode, fetch.pages)
        fetch.records.extend(page_records)
        items = page_records if mode == "records" else _raw_items(payload, response)
        more = _has_more(kind, pagination, response, payload, items, page_size)
        if max_records is not None and len(fetch.records) >= int(max_records):
            if len(fetch.records) > int(max_records) or more:
                fetch.records_capped = True
                fetch.warnings.append(
                    f"max_records={int(max_records)} reached after {fetch.pages} page(s); remaining "
                    "records were not read"
                )
            del fetch.records[int(max_records) :]
            break
        if not more:
            break
        if fetch.pages >= max_pages:
            fetch.budget_reached = True
            message = (
                f"page budget max_pages={max_pages} reached while the API still offers pages "
                f"({kind} pagination); the read is incomplete, raise limits.max_pages"
            )
            if str(pagination.get("on_budget_exhausted") or "warn").lower() == "fail":
                raise RestSourceError(message)
            fetch.warnings.append(message)
            break
        if kind == "page":
            page_number += 1
        elif kind == "offset":
            offset += page_size
        elif kind == "cursor":
            cursor = _cursor_value(payload, pagination)
        elif kind == "link_header":
            next_url = urllib.parse.urljoin(response.url, next_link(response.header("link")) or "")
    return fetch


def _page_size(kind: str, pagination: Mapping[str, Any], limits: Mapping[str, Any]) -> int | None:
    size = pagination.get("page_size") or limits.get("page_size")
    if kind == "offset":
        return int(size or DEFAULT_OFFSET_PAGE_SIZE)
    return int(size) if size else None


def _has_more(
    kind: str,
    pagination: Mapping[str, Any],
    response: HttpResponse,
    payload: Any,
    page_records: list[Any],
    page_size: int | None,
) -> bool:
    if kind == "none":
        return False
    if kind == "link_header":
        return next_link(response.header("link")) is not None
    if kind == "cursor":
        return _cursor_value(payload, pagination) is not None
    if not page_records:
        return False
    return page_size is None or len(page_records) >= page_size


def _cursor_value(payload: Any, pagination: Mapping[str, Any]) -> str | None:
    path = pagination.get("next_cursor_path")
    if not path:
        raise RestSourceError("cursor pagination needs pagination.next_cursor_path")
    found, value = lookup_path(payload, str(path))
    if not found or value in (None, "", False):
        return None
    return str(value)


def _page_records(
    response: HttpResponse, source: Mapping[str, Any], mode: str, page: int
) -> tuple[list, Any]:
    text = response.text()
    if mode == "raw":
        try:
            payload = json.loads(text)
        except ValueError:
            payload = None  # raw bodies need not be JSON
        return [{raw_column(source): text, PAGE_NUMBER_COLUMN: page}], payload
    payload = _parse_json(text)
    path = str((source.get("response") or {}).get("records_path") or "$")
    found, value = lookup_path(payload, path)
    if not found:
        keys = sorted(payload) if isinstance(payload, dict) else type(payload).__name__
        raise RestSourceError(f"response.records_path {path!r} not found in page {page} (top level: {keys})")
    if value is None:
        return [], payload
    if isinstance(value, list):
        return [v if isinstance(v, dict) else {"value": v} for v in value], payload
    return [value if isinstance(value, dict) else {"value": value}], payload


def _raw_items(payload: Any, response: HttpResponse) -> list[Any]:
    """What page/offset pagination counts in raw mode: a top-level JSON list, else the body itself."""
    if isinstance(payload, list):
        return payload
    if payload in (None, {}) and not response.body.strip(b" \r\n\t{}null"):
        return []
    return [payload]


def lookup_path(payload: Any, path: str) -> tuple[bool, Any]:
    """Dotted path (``$``, ``$.data.items``, ``data.items.0``) → (found, value)."""
    path = path.strip()
    if path in {"", "$"}:
        return True, payload
    if path.startswith("$."):
        path = path[2:]
    value = payload
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return False, None
    return True, value


def _apply_incremental(
    incremental: Mapping[str, Any],
    previous: str | None,
    params: dict[str, Any],
    headers: dict[str, str],
    body_json: Any,
) -> None:
    if previous is None:
        return
    if incremental.get("watermark_param"):
        params[str(incremental["watermark_param"])] = previous
    if incremental.get("watermark_header"):
        headers[str(incremental["watermark_header"])] = previous
    if incremental.get("watermark_body_field"):
        if not isinstance(body_json, dict):
            raise RestSourceError("incremental.watermark_body_field needs a request.json object")
        body_json[str(incremental["watermark_body_field"])] = previous


def _with_body_type(headers: dict[str, str], body_json: Any, raw_body: Any) -> dict[str, str]:
    if body_json is not None and not any(k.lower() == "content-type" for k in headers):
        return {**headers, "Content-Type": "application/json"}
    return headers


def _body_bytes(body_json: Any, raw_body: Any) -> bytes | None:
    if body_json is not None:
        return json.dumps(body_json).encode()
    if raw_body is not None:
        return raw_body.encode() if isinstance(raw_body, str) else json.dumps(raw_body).encode()
    return None


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise RestSourceError(
            f"response is not JSON ({exc.msg} at char {exc.pos}); use response.mode raw"
        ) from None


def response_mode(source: Mapping[str, Any]) -> str:
    response = source.get("response") or {}
    mode = str(response.get("mode") or "records").lower()
    if mode not in {"records", "raw"}:
        raise RestSourceError(f"response.mode must be records or raw, got {mode!r}")
    if mode == "raw" and response.get("records_path"):
        raise RestSourceError("response.records_path is not allowed with response.mode raw")
    return mode


def raw_column(source: Mapping[str, Any]) -> str:
    name = str((source.get("response") or {}).get("raw_column") or RAW_COLUMN_DEFAULT)
    if not name.isidentifier():
        raise RestSourceError(f"response.raw_column {name!r} must be a simple identifier")
    return name
