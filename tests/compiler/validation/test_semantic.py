"""Second validation depth on resolved contract mappings (docs/contract-language.md#two-validation-depths)."""

from __future__ import annotations

import pytest
from contractforge.loader.step_graph import find_cycle
from contractforge.validation.project_checks import cron_problem, timezone_problem
from contractforge.validation.semantic import validate_contract

PG = {
    "type": "postgres",
    "url": "jdbc:postgresql://db:5432/app",
    "table": "public.customers",
    "auth": {"type": "basic", "username": "{{ secret:pg/user }}", "password": "{{ secret:pg/password }}"},
}


def problems_of(source, **extra):
    return validate_contract({"source": source, "target": {"table": "t"}, **extra})


def fields(problems):
    return [p.field for p in problems]


def test_valid_jdbc_source_passes():
    assert problems_of(PG) == []


@pytest.mark.parametrize(
    ("source", "field", "needle"),
    [
        ({**PG, "query": "select 1"}, "source.query", "either a table or a query"),
        ({**PG, "table": None}, "source.table", "need source.table or source.query"),
        (
            {**PG, "read": {"partition_column": "id", "num_partitions": 4}},
            "source.read.partition_column",
            "missing",
        ),
        (
            {**PG, "auth": {"type": "basic", "username": "u", "password": "hunter2"}},
            "source.auth.password",
            "inline",
        ),
        ({**PG, "url": "jdbc:postgresql://app:s3cret@db/app"}, "source.url", "user:password"),
        ({**PG, "limits": {"max_pages": 3}}, "source.limits.max_pages", "no limits"),
        ({**PG, "auth": {"type": "username_password", "username": "u"}}, "source.auth.type", "not one of"),
        ({"type": "csvv", "path": "s3://b/x"}, "source.type", "unknown source type"),
        ({"type": "s3", "path": "s3://b/x"}, "source.format", "need source.format"),
        ({"type": "incremental_files", "format": "csv"}, "source.path", "need source.path"),
        (
            {"type": "http_csv", "url": "https://x/y.csv", "request": {"method": "POST"}},
            "source.request.method",
            "GET",
        ),
        ({"type": "http_file", "url": "https://x/y"}, "source.format", "need source.format"),
        (
            {"type": "rest_api", "request": {"url": "https://x", "method": "PUT"}},
            "source.request.method",
            "not one of",
        ),
        (
            {"type": "rest_api", "request": {"url": "https://x"}, "pagination": {"type": "pages"}},
            "source.pagination.type",
            "not one of",
        ),
        (
            {
                "type": "rest_api",
                "request": {"url": "https://x"},
                "auth": {"type": "bearer_token", "token": "abc"},
            },
            "source.auth.token",
            "inline",
        ),
        (
            {"type": "rest_api", "request": {"url": "https://x", "headers": {"X-Api-Key": "abc"}}},
            "source.request.headers.X-Api-Key",
            "inline",
        ),
        (
            {"type": "rest_api", "request": {"url": "https://x"}, "limits": {"max_pages": 0}},
            "source.limits.max_pages",
            "> 0",
        ),
        ({"type": "kafka_available_now", "topic": "t"}, "source.bootstrap_servers", "need"),
        ({"type": "sql"}, "source.query", "need source.query"),
    ],
)
def test_semantic_problems_are_located_by_field(source, field, needle):
    problems = problems_of(source)
    assert field in fields(problems), problems
    assert any(needle in p.message or needle in (p.suggestion or "") for p in problems), problems


def test_warehouse_guardrail():
    problems = problems_of(PG, extensions={"aws": {"iceberg": {"warehouse": "s3://replace-with-bucket/wh/"}}})
    assert fields(problems) == ["extensions.aws.iceberg.warehouse"]


def test_sql_text_is_not_mistaken_for_a_credential():
    assert problems_of({"type": "sql", "query": "select * from t where token = 'abc'"}) == []


@pytest.mark.parametrize("cron", ["0 6 * * *", "30 2 * * 1", "*/15 0-6 * * MON-FRI", "0 6 1 * *"])
def test_valid_crons(cron):
    assert cron_problem(cron) is None


@pytest.mark.parametrize(
    "cron", ["0 6 * *", "61 * * * *", "0 25 * * *", "0 6 1 * 1", "a b c d e", "0 6 * 13 *", "0 6 * * ? *"]
)
def test_invalid_crons(cron):
    assert cron_problem(cron)


def test_timezones():
    assert timezone_problem("America/Sao_Paulo") is None
    assert "Europe/Berlin" in timezone_problem("Europe/Berln")


def test_cycle_detection_ignores_unknown_steps():
    assert find_cycle({"a": ["b"], "b": ["a"]}) == ["a", "b", "a"]
    assert find_cycle({"a": ["outside"], "b": ["a"]}) is None


EH = {"type": "eventhubs_available_now", "event_hub_name": "orders", "checkpoint_location": "s3://b/cp/"}
JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="$ConnectionString" password="{}";'


@pytest.mark.parametrize(
    ("source", "refused"),
    [
        ({**EH, "connection_string": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey=abc"}, True),
        ({**EH, "connection_string": "{{ secret:eh/connection }}"}, False),
        ({**EH, "connection_string": "Endpoint=sb://ns/;SharedAccessKey={{ secret:eh/key }}"}, False),
        (
            {"type": "kafka_available_now", "bootstrap_servers": "ns:9093", "topic": "t",
             "options": {"kafka.sasl.jaas.config": JAAS.format("Endpoint=sb://x/;SharedAccessKey=abc")}},
            True,
        ),
        (
            {"type": "kafka_available_now", "bootstrap_servers": "ns:9093", "topic": "t",
             "options": {"kafka.sasl.jaas.config": JAAS.format("{{ secret:eh/connection }}")}},
            False,
        ),
        ({"type": "rest_api", "request": {"url": "https://x", "headers": {"Authorization": "Bearer {{ secret:a/t }}"}}}, False),
        ({"type": "rest_api", "request": {"url": "https://x"}, "auth": {"type": "api_key", "value": "k-123"}}, True),
        ({"type": "rest_api", "request": {"url": "https://x"}, "auth": {"type": "oauth_client_credentials",
          "token_url": "https://login/x", "client_id": "id", "client_secret": "{{ secret:a/cs }}"}}, False),
        ({**PG, "auth": {"type": "rds_iam", "username": "app"}}, False),
        ({**PG, "options": {"password": 1234}}, True),
    ],
)  # fmt: skip
def test_inline_credentials(source, refused):
    codes = [p.code for p in problems_of(source)]
    assert ("INLINE_CREDENTIAL" in codes) == refused, problems_of(source)
