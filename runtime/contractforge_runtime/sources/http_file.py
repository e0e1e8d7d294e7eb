"""Source family ``http_file``: one CSV / JSON / JSON-lines / text file fetched over HTTP(S)
(docs/sources.md#http-files-family-http_file).

GET only, fetched in the driver through the guarded client (SSRF guard, no redirects, byte limit
``limits.max_bytes``), decoded as UTF-8 and parsed by Spark from memory: unless
``options.multiLine`` is true the body is split into lines and handed to ``spark.read.csv/json``;
``text`` yields one ``value`` column. ``limits.max_records`` caps the rows with a warning.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from contractforge_runtime.environment.secrets import resolver_for
from contractforge_runtime.sources import SourceResult, http_auth, register
from contractforge_runtime.sources.text_files import read_capturing

FORMATS = {"csv": "csv", "json": "json", "jsonl": "json", "ndjson": "json", "text": "text"}
TYPED_VARIANTS = {"http_csv": "csv", "http_json": "json", "http_text": "text"}


class HttpFileSourceError(Exception):
    """The HTTP file source cannot be read as configured."""


def file_format(source: Mapping[str, Any]) -> str:
    declared = source.get("format") or TYPED_VARIANTS.get(str(source.get("type") or "").lower())
    fmt = FORMATS.get(str(declared or "").lower())
    if fmt is None:
        raise HttpFileSourceError(
            f"http_file format must be one of {', '.join(sorted(FORMATS))}, got {declared!r}"
        )
    return fmt


def fetch_body(source: Mapping[str, Any], resolver: Any, client: Any) -> str:
    request = dict(source.get("request") or {})
    method = str(request.get("method") or "GET").upper()
    if method != "GET":
        raise HttpFileSourceError("http_file sources only GET; use rest_api for POST")
    http_auth.refuse_inline_headers(request.get("headers") or {})
    headers = resolver.resolve(dict(request.get("headers") or {}))
    params = resolver.resolve(dict(request.get("params") or {}))
    auth = http_auth.prepare_auth(source.get("auth"), resolver, client)
    headers.update(auth.headers)
    params.update(auth.params)
    url = resolver.resolve(http_auth.request_url(source))
    response = client.request("GET", url, params=params, headers=headers)
    try:
        return response.text()
    except UnicodeDecodeError as exc:
        raise HttpFileSourceError(f"response body is not UTF-8 (byte {exc.start})") from None


def body_to_dataframe(spark: Any, body: str, fmt: str, options: Mapping[str, Any]) -> Any:
    options = {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in (options or {}).items()}
    multiline = options.get("multiLine", options.get("multiline", "false")).lower() == "true"
    if fmt == "text":
        lines = body.splitlines()
        return spark.createDataFrame([(line,) for line in lines], "value STRING")
    records = [body] if multiline else [line for line in body.splitlines() if line.strip()]
    rdd = spark.sparkContext.parallelize(records, max(1, min(len(records) // 20000, 16)))
    if fmt == "csv" and multiline:
        raise HttpFileSourceError("options.multiLine is not supported for http csv files")
    # records that do not parse are kept raw and quarantined by the runner (checks/intake.py)
    return read_capturing(spark, fmt, {k: v for k, v in options.items() if k.lower() != "multiline"}, rdd)


@register("http_file")
def read(source: Mapping[str, Any], sctx: Any) -> SourceResult:
    """Registry entry point for family ``http_file``."""
    spark = sctx.spark
    fmt = file_format(source)
    resolver = resolver_for(sctx.run)
    client = http_auth.new_client(source, resolver)
    body = fetch_body(source, resolver, client)
    warnings: list[str] = []
    metadata = resolver.redact(
        {
            "source_family": "http_file",
            "format": fmt,
            "request": {
                **dict(source.get("request") or {}),
                "url": http_auth.request_url(source),
                "method": "GET",
            },
            "auth": http_auth.auth_metadata(source.get("auth"), resolver),
            "limits": dict(source.get("limits") or {}),
            **client.stats.as_dict(),
        }
    )
    if not body.strip():
        metadata["empty_response"] = True
        return SourceResult(df=None, metadata=metadata, warnings=warnings)
    df = body_to_dataframe(spark, body, fmt, source.get("options") or {})
    max_records = (source.get("limits") or {}).get("max_records")
    if max_records is not None:
        rows = df.count()
        if rows > int(max_records):
            warnings.append(f"max_records={int(max_records)} kept {int(max_records)} of {rows} rows")
            df = df.limit(int(max_records))
        metadata["rows_in_file"] = rows
    metadata["warnings"] = warnings
    return SourceResult(df=df, metadata=json.loads(json.dumps(metadata, default=str)), warnings=warnings)
