"""Source family ``rest_api``: paginated JSON APIs fetched in the driver
(docs/sources.md#rest-apis-family-rest_api).

``rest_fetch.fetch_rest`` does the HTTP work (no Spark); ``read`` turns its records into a DataFrame
and a SourceResult with redacted request/auth/pagination metadata.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from contractforge_runtime.environment.secrets import SecretResolver, resolver_for
from contractforge_runtime.sources import SourceResult, http_auth, register, watermarks
from contractforge_runtime.sources.http_client import HttpClient
from contractforge_runtime.sources.rest_fetch import (
    PAGE_NUMBER_COLUMN,
    RestFetch,
    RestSourceError,
    fetch_rest,
    raw_column,
    response_mode,
)


@register("rest_api")
def read(source: Mapping[str, Any], sctx: Any) -> SourceResult:
    """Registry entry point for family ``rest_api``."""
    spark = sctx.spark
    resolver = resolver_for(sctx.run)
    client = http_auth.new_client(source, resolver)
    fetch = fetch_rest(source, resolver, client, sctx.previous_state)
    mode = response_mode(source)
    metadata = rest_metadata(source, resolver, client, fetch)
    column = watermarks.watermark_column(source.get("incremental"))
    if not fetch.records:
        metadata["empty_response"] = True
        watermark = watermarks.describe(column, fetch.watermark_previous, None)
        return SourceResult(df=None, metadata=metadata, watermark=watermark, warnings=list(fetch.warnings))
    if mode == "raw":
        df = raw_pages_to_dataframe(spark, fetch.records, raw_column(source))
    else:
        df = records_to_dataframe(spark, fetch.records, source)
    current = max_watermark(df, column) if column else None
    watermark = watermarks.describe(column, fetch.watermark_previous, current)
    order = (column,) if column else ()
    return SourceResult(
        df=df, metadata=metadata, watermark=watermark, warnings=list(fetch.warnings), order_by=order
    )


# -------------------------------------------------------------------------------------- to DataFrame
def records_to_dataframe(spark: Any, records: list[Any], source: Mapping[str, Any]) -> Any:
    """JSON records → DataFrame through Spark's JSON reader (schema inferred, or ``read.schema``)."""
    lines = [json.dumps(record, separators=(",", ":")) for record in records]
    reader = spark.read
    schema = (source.get("read") or {}).get("schema")
    if schema:
        reader = reader.schema(schema)
    for key, value in (source.get("options") or {}).items():
        reader = reader.option(key, str(value).lower() if isinstance(value, bool) else str(value))
    return reader.json(spark.sparkContext.parallelize(lines, max(1, min(len(lines) // 5000, 16))))


def raw_pages_to_dataframe(spark: Any, pages: list[dict[str, Any]], column: str) -> Any:
    rows = [(page[column], page[PAGE_NUMBER_COLUMN]) for page in pages]
    return spark.createDataFrame(rows, f"`{column}` STRING, `{PAGE_NUMBER_COLUMN}` INT")


def max_watermark(df: Any, column: str) -> str | None:
    from pyspark.sql import functions as F

    if column not in df.columns:
        raise RestSourceError(f"incremental.watermark_column {column!r} is not in the response records")
    value = df.agg(F.max(F.col(f"`{column}`")).cast("string").alias("wm")).collect()[0]["wm"]
    return value


def rest_metadata(
    source: Mapping[str, Any], resolver: SecretResolver, client: HttpClient, fetch: RestFetch
) -> dict[str, Any]:
    request = dict(source.get("request") or {})
    request.setdefault("url", http_auth.request_url(source))
    request.setdefault("method", "GET")
    pagination = dict(source.get("pagination") or {"type": "none"})
    pagination.update(
        pages_fetched=fetch.pages, budget_reached=fetch.budget_reached, records_capped=fetch.records_capped
    )
    return resolver.redact(
        {
            "source_family": "rest_api",
            "request": request,
            "auth": http_auth.auth_metadata(source.get("auth"), resolver),
            "pagination": pagination,
            "response": dict(source.get("response") or {"mode": "records"}),
            "limits": dict(source.get("limits") or {}),
            "records_fetched": len(fetch.records),
            "watermark_origin": fetch.watermark_origin,
            "warnings": list(fetch.warnings),
            **client.stats.as_dict(),
        }
    )
