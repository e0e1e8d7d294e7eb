"""REST and HTTP-file sources end to end: loopback HTTP server → SourceResult with a Spark DataFrame."""

from __future__ import annotations

import pytest
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.environment.hidden_columns import MALFORMED
from contractforge_runtime.environment.secrets import SecretResolver, env_var_name
from contractforge_runtime.sources import SourceContext, read_source

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("allow_loopback")]


def context(spark, previous_state=None):
    run = RunContext.local("http-test")
    run.secrets = SecretResolver.local(
        environ={env_var_name("api", "token"): "tok-abcdef123456"}, secrets_file="/x"
    )
    return SourceContext(spark, run, previous_state, None, "glue_catalog.db.t")


def test_rest_records_become_a_dataframe_with_a_watermark(spark, http_stub):
    base, _ = http_stub
    source = {
        "family": "rest_api",
        "type": "rest_api",
        "request": {"url": f"{base}/page"},
        "auth": {"type": "bearer_token", "token": "{{ secret:api/token }}"},
        "pagination": {"type": "page", "max_pages": 10},
        "response": {"records_path": "data"},
        "incremental": {"watermark_column": "updated_at"},
    }
    result = read_source(spark, source, context(spark))
    assert sorted(result.df.columns) == ["id", "name", "updated_at"]
    assert [r.id for r in result.df.orderBy("id").collect()] == [1, 2, 3, 4, 5, 6, 7]
    assert result.watermark == {"column": "updated_at", "previous": None, "current": "2026-01-07T00:00:00Z"}
    assert result.metadata["pagination"]["pages_fetched"] == 4
    assert result.metadata["auth"] == {"type": "bearer_token", "token": "{{ secret:api/token }}"}
    assert "tok-abcdef123456" not in str(result.metadata)


def test_rest_page_budget_warning_reaches_the_source_result(spark, http_stub):
    base, _ = http_stub
    source = {
        "family": "rest_api",
        "request": {"url": f"{base}/page"},
        "pagination": {"type": "page", "max_pages": 1},
        "response": {"records_path": "data"},
    }
    result = read_source(spark, source, context(spark))
    assert result.df.count() == 3
    assert len(result.warnings) == 1 and "max_pages=1" in result.warnings[0]
    assert result.metadata["warnings"] == result.warnings and result.metadata["pagination"]["budget_reached"]


def test_geojson_in_raw_mode_is_one_row_per_page(spark, http_stub):
    base, _ = http_stub
    source = {"family": "rest_api", "request": {"url": f"{base}/geojson"}, "response": {"mode": "raw"}}
    df = read_source(spark, source, context(spark)).df
    assert df.columns == ["raw_response", "response_page_number"]
    parsed = df.selectExpr(
        "response_page_number",
        "from_json(raw_response, 'type STRING, features ARRAY<STRUCT<id: STRING>>') AS payload",
    ).collect()[0]
    assert parsed.response_page_number == 1
    assert [f.id for f in parsed.payload.features] == ["ev1", "ev2"]


def test_empty_rest_response_is_no_new_input(spark, http_stub):
    base, _ = http_stub
    source = {
        "family": "rest_api",
        "request": {"url": f"{base}/search"},
        "response": {"records_path": "data"},
        "incremental": {"watermark_column": "updated_at", "watermark_param": "since"},
    }
    state = {"watermark_column": "updated_at", "watermark_value": "2026-12-31T00:00:00Z"}
    result = read_source(spark, source, context(spark, state))
    assert result.df is None and result.metadata["empty_response"] is True
    assert result.watermark == {
        "column": "updated_at",
        "previous": "2026-12-31T00:00:00Z",
        "current": "2026-12-31T00:00:00Z",
    }


def test_http_csv_file(spark, http_stub):
    base, _ = http_stub
    source = {
        "family": "http_file",
        "type": "http_csv",
        "url": f"{base}/files/data.csv",
        "options": {"header": True, "inferSchema": True},
        "limits": {"max_bytes": 10_000},
    }
    result = read_source(spark, source, context(spark))
    rows = result.df.orderBy("id").collect()
    assert [(r.id, r.name, r.amount) for r in rows] == [
        (1, "ada", 10.5),
        (2, "grace", 20.0),
        (3, "alan", 0.25),
    ]
    # the reader keeps its malformed-record capture column; the run's intake splits it off (none here)
    assert dict(result.df.dtypes) == {"id": "int", "name": "string", "amount": "double", MALFORMED: "string"}
    assert [r[MALFORMED] for r in rows] == [None, None, None]
    assert result.metadata["format"] == "csv" and result.metadata["http_requests"] == 1


def test_http_jsonl_and_text_files_and_max_records(spark, http_stub):
    base, _ = http_stub
    jsonl = {
        "family": "http_file",
        "type": "http_file",
        "format": "jsonl",
        "request": {"url": f"{base}/files/data.jsonl"},
    }
    assert [r.tag for r in read_source(spark, jsonl, context(spark)).df.orderBy("id").collect()] == [
        "a",
        "b",
        "c",
    ]

    capped = {**jsonl, "limits": {"max_records": 2}}
    result = read_source(spark, capped, context(spark))
    assert result.df.count() == 2 and "max_records=2 kept 2 of 3 rows" in result.warnings[0]

    text = {"family": "http_file", "type": "http_text", "url": f"{base}/files/notes.txt"}
    assert [r.value for r in read_source(spark, text, context(spark)).df.collect()] == [
        "first line",
        "second line",
    ]


def test_http_file_respects_the_byte_limit(spark, http_stub):
    from contractforge_runtime.sources.http_client import ByteLimitExceededError

    base, _ = http_stub
    source = {
        "family": "http_file",
        "type": "http_csv",
        "url": f"{base}/files/data.csv",
        "limits": {"max_bytes": 10},
    }
    with pytest.raises(ByteLimitExceededError):
        read_source(spark, source, context(spark))
