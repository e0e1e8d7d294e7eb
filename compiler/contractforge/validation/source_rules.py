"""Semantic checks of ``source`` per type (ref §1.11.2, §1.11.6-1.11.9): required fields,
JDBC partition completeness and table/query exclusivity, REST/HTTP enums, limit allow-lists."""

from __future__ import annotations

from typing import Any

from contractforge_runtime.secrets import PLACEHOLDER

from contractforge.models import source_types as cat
from contractforge.validation.locate import PathKey, Problems, closest

SRC: PathKey = ("source",)


def _has(source: dict[str, Any], *keys: str) -> bool:
    return any(_value(source, key) not in (None, "", [], {}) for key in keys)


def _value(source: dict[str, Any], dotted_key: str) -> Any:
    current: Any = source
    for part in dotted_key.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def _require(problems: Problems, source: dict[str, Any], what: str, *alternatives: str) -> None:
    if not _has(source, *alternatives):
        names = " or ".join(f"source.{a}" for a in alternatives)
        problems.add(SRC + (alternatives[0],), f"{what} sources need {names}", code="SOURCE_FIELD_REQUIRED")


def check_source(problems: Problems, source: dict[str, Any]) -> None:
    kind = cat.raw_type(source)
    family = cat.family_of(source)
    if not kind:
        problems.add(SRC + ("type",), "source.type is required", code="SOURCE_FIELD_REQUIRED")
        return
    if family is None:
        key = "connector" if str(source.get("type", "")).lower() == "connector" else "type"
        problems.add(
            SRC + (key,),
            f"unknown source type '{kind}'",
            suggestion=closest(kind, cat.KNOWN_TYPES) or "see `contractforge schema source`",
            code="SOURCE_TYPE_UNKNOWN",
        )
        return
    options = source.get("options") if isinstance(source.get("options"), dict) else {}
    if "schema" in options:
        problems.add(
            SRC + ("options", "schema"), "declare the schema as source.read.schema, not options.schema"
        )
    checks = {
        "catalog": _check_catalog,
        "sql": lambda p, s: _require(p, s, "sql", "query", "options.query"),
        "files": _check_files,
        "object_storage": _check_object_storage,
        "incremental_files": _check_incremental_files,
        "http_file": _check_http_file,
        "rest_api": _check_rest_api,
        "jdbc": _check_jdbc,
        "stream": _check_stream,
        "delta_share": lambda p, s: (
            _require(p, s, "delta_share", "profile_file"),
            _require(p, s, "delta_share", "table"),
        ),
        "custom": lambda p, s: _require(p, s, "custom_transform", "inputs"),
        "native": lambda p, s: _require(p, s, "native_passthrough", "system"),
    }
    check = checks.get(family)
    if check:
        check(problems, source)
    _check_limits(problems, source, family, cat.canonical_type(source))
    _check_read_numbers(problems, source)


def _check_format(problems: Problems, source: dict[str, Any], allowed: tuple[str, ...]) -> None:
    declared = source.get("format")
    if declared is None:
        return
    if str(declared).lower() not in allowed:
        problems.add(
            SRC + ("format",),
            f"format '{declared}' is not one of {', '.join(allowed)}",
            suggestion=closest(str(declared).lower(), allowed),
            code="SOURCE_FORMAT_INVALID",
        )


def _check_catalog(problems: Problems, source: dict[str, Any]) -> None:
    _require(problems, source, cat.raw_type(source), "table", "path", "ref", "table_ref")


def _check_files(problems: Problems, source: dict[str, Any]) -> None:
    _require(problems, source, cat.raw_type(source), "path")
    _check_format(problems, source, cat.FILE_FORMATS)


def _check_object_storage(problems: Problems, source: dict[str, Any]) -> None:
    kind = cat.raw_type(source)
    _require(problems, source, kind, "path")
    _require(problems, source, kind, "format")
    _check_format(problems, source, cat.FILE_FORMATS)
    if kind in ("blob", "object_storage"):
        _require(problems, source, kind, "provider")


def _check_incremental_files(problems: Problems, source: dict[str, Any]) -> None:
    _require(problems, source, "incremental_files", "path")
    _require(problems, source, "incremental_files", "format")
    _check_format(problems, source, cat.FILE_FORMATS)


def _check_enum(problems: Problems, path: PathKey, value: Any, allowed: tuple[str, ...], what: str) -> None:
    if value is None:
        return
    text = str(value)
    if text not in allowed:
        problems.add(
            path,
            f"{what} '{text}' is not one of {', '.join(allowed)}",
            suggestion=closest(text, allowed),
            code="SOURCE_ENUM_INVALID",
        )


def _check_http_common(problems: Problems, source: dict[str, Any], kind: str, auths: tuple[str, ...]) -> None:
    _require(problems, source, kind, "request.url", "url", "path")
    url = _value(source, "request.url") or source.get("url") or source.get("path")
    if (
        isinstance(url, str)
        and not PLACEHOLDER.search(url)
        and not url.lower().startswith(("http://", "https://"))
    ):
        problems.add(
            SRC + ("request", "url") if _value(source, "request.url") else SRC + ("url",),
            f"{kind} URLs must use http or https, got '{url}'",
        )
    auth = source.get("auth")
    if isinstance(auth, dict):
        auth_type = auth.get("type", "none")
        _check_enum(problems, SRC + ("auth", "type"), auth_type, auths, "auth.type")
        needs = {
            "bearer_token": ("token",),
            "api_key": ("value",),
            "basic": ("username", "password"),
            "oauth_client_credentials": ("client_id", "client_secret"),
        }.get(auth_type, ())
        for key in needs:
            if auth.get(key) in (None, ""):
                problems.add(
                    SRC + ("auth", key),
                    f"auth.type {auth_type} needs auth.{key}",
                    code="SOURCE_FIELD_REQUIRED",
                )
        if auth_type == "oauth_client_credentials" and not (auth.get("token_url") or auth.get("tenant_id")):
            problems.add(SRC + ("auth",), "oauth_client_credentials needs auth.token_url or auth.tenant_id")


def _check_http_file(problems: Problems, source: dict[str, Any]) -> None:
    kind = cat.raw_type(source)
    _check_http_common(problems, source, kind, cat.HTTP_FILE_AUTH)
    if kind == "http_file":
        if not source.get("format"):
            problems.add(
                SRC + ("format",), "http_file sources need source.format", code="SOURCE_FIELD_REQUIRED"
            )
        _check_format(problems, source, cat.HTTP_FILE_FORMATS)
    method = _value(source, "request.method")
    if method is not None and str(method).upper() != "GET":
        problems.add(SRC + ("request", "method"), f"{kind} sources only support GET, got '{method}'")


def _check_rest_api(problems: Problems, source: dict[str, Any]) -> None:
    _check_http_common(problems, source, "rest_api", cat.REST_AUTH)
    method = _value(source, "request.method")
    if method is not None:
        _check_enum(
            problems, SRC + ("request", "method"), str(method).upper(), cat.REST_METHODS, "request.method"
        )
    pagination = source.get("pagination")
    if isinstance(pagination, dict):
        kind = pagination.get("type", "none")
        _check_enum(problems, SRC + ("pagination", "type"), kind, cat.REST_PAGINATION, "pagination.type")
        if kind == "cursor" and not pagination.get("next_cursor_path"):
            problems.add(SRC + ("pagination", "next_cursor_path"), "cursor pagination needs next_cursor_path")
    response = source.get("response")
    if isinstance(response, dict):
        mode = response.get("mode", "records")
        _check_enum(problems, SRC + ("response", "mode"), mode, cat.REST_RESPONSE_MODES, "response.mode")
        if mode == "raw" and response.get("records_path"):
            problems.add(SRC + ("response", "records_path"), "response.mode raw does not take records_path")
        raw_column = response.get("raw_column")
        if raw_column is not None and not str(raw_column).isidentifier():
            problems.add(SRC + ("response", "raw_column"), "raw_column must be a simple identifier")
    incremental = source.get("incremental")
    if (
        isinstance(incremental, dict)
        and incremental.get("watermark_body_field")
        and not _value(source, "request.json")
    ):
        problems.add(SRC + ("incremental", "watermark_body_field"), "watermark_body_field needs request.json")


def _check_jdbc(problems: Problems, source: dict[str, Any]) -> None:
    kind = cat.raw_type(source)
    _require(problems, source, kind, "url", "options.url")
    has_table = _has(source, "table", "options.dbtable")
    has_query = _has(source, "query", "options.query")
    if has_table and has_query:
        key = "query" if "query" in source else "options"
        problems.add(
            SRC + (key,), "JDBC sources take either a table or a query, not both", code="JDBC_TABLE_AND_QUERY"
        )
    elif not (has_table or has_query):
        problems.add(
            SRC + ("table",), "JDBC sources need source.table or source.query", code="SOURCE_FIELD_REQUIRED"
        )
    read = source.get("read") if isinstance(source.get("read"), dict) else {}
    present = [k for k in cat.JDBC_PARTITION_KEYS if read.get(k) is not None]
    if present and len(present) != len(cat.JDBC_PARTITION_KEYS):
        missing = [k for k in cat.JDBC_PARTITION_KEYS if k not in present]
        problems.add(
            SRC + ("read", present[0]),
            f"partitioned JDBC reads need all of {', '.join(cat.JDBC_PARTITION_KEYS)} (missing {', '.join(missing)})",
            code="JDBC_PARTITION_INCOMPLETE",
        )
    elif present:
        low, high = read.get("lower_bound"), read.get("upper_bound")
        if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low >= high:
            problems.add(
                SRC + ("read", "upper_bound"), "read.upper_bound must be greater than read.lower_bound"
            )
    auth = source.get("auth")
    if isinstance(auth, dict):
        auth_type = auth.get("type", "basic")
        _check_enum(problems, SRC + ("auth", "type"), auth_type, cat.JDBC_AUTH, "auth.type")
        if auth_type == "basic" and not (auth.get("username") or auth.get("password")):
            problems.add(SRC + ("auth",), "auth.type basic needs auth.username and/or auth.password")
        if auth_type == "rds_iam" and not auth.get("username"):
            problems.add(SRC + ("auth", "username"), "auth.type rds_iam needs auth.username")


def _check_stream(problems: Problems, source: dict[str, Any]) -> None:
    kind = cat.canonical_type(source)
    if kind.startswith("kafka"):
        _require(problems, source, kind, "bootstrap_servers")
        _require(problems, source, kind, "topic", "topics", "assign")
        if source.get("max_offsets_per_trigger") is not None and _value(
            source, "limits.max_offsets_per_trigger"
        ):
            problems.add(
                SRC + ("limits", "max_offsets_per_trigger"), "max_offsets_per_trigger is declared twice"
            )
    else:
        _require(problems, source, kind, "connection_string")
        _require(problems, source, kind, "event_hub_name")


def _check_limits(problems: Problems, source: dict[str, Any], family: str, kind: str) -> None:
    limits = source.get("limits")
    if not isinstance(limits, dict) or not limits:
        return
    allowed = cat.LIMIT_ALLOWLIST.get(kind) or cat.LIMIT_ALLOWLIST.get(family) or ()
    for key, value in limits.items():
        if key not in allowed:
            hint = f"allowed: {', '.join(allowed)}" if allowed else f"{kind} sources take no limits"
            problems.add(
                SRC + ("limits", key),
                f"limit '{key}' is not accepted here ({hint})",
                suggestion=closest(key, allowed),
                code="SOURCE_LIMIT_UNKNOWN",
            )
            continue
        _check_number(problems, SRC + ("limits", key), key, value)


def _check_number(problems: Problems, path: PathKey, key: str, value: Any) -> None:
    if key == "retry_backoff_seconds":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            problems.add(path, f"{key} must be a number >= 0")
    elif key in cat.POSITIVE_INTS or key in cat.POSITIVE_READ_INTS:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            problems.add(path, f"{key} must be an integer > 0")
    elif key in cat.NON_NEGATIVE_INTS and (
        isinstance(value, bool) or not isinstance(value, int) or value < 0
    ):
        problems.add(path, f"{key} must be an integer >= 0")


def _check_read_numbers(problems: Problems, source: dict[str, Any]) -> None:
    read = source.get("read")
    if isinstance(read, dict):
        for key in cat.POSITIVE_READ_INTS:
            if key in read and read[key] is not None:
                _check_number(problems, SRC + ("read", key), key, read[key])
