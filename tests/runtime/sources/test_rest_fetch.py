"""REST fetching against a real loopback HTTP server: pagination, auth, retries, limits, guards."""

from __future__ import annotations

import json

import pytest
from contractforge_runtime.environment.secrets import REDACTED, SecretResolver, env_var_name
from contractforge_runtime.sources import http_auth
from contractforge_runtime.sources.http_client import (
    ByteLimitExceededError,
    HttpClient,
    HttpLimits,
    HttpStatusError,
    RedirectRefusedError,
    UnsafeTargetError,
    next_link,
    parse_retry_after,
    vet_address,
)
from contractforge_runtime.sources.rest import rest_metadata
from contractforge_runtime.sources.rest_fetch import RestSourceError, fetch_rest
from http_stub import (
    ACCESS_TOKEN,
    API_KEY,
    BASIC_PASSWORD,
    BASIC_USER,
    CLIENT_ID,
    CLIENT_SECRET,
    ITEMS,
    TOKEN,
)

SECRETS = {
    env_var_name("api", "token"): TOKEN,
    env_var_name("api", "key"): API_KEY,
    env_var_name("api", "user"): BASIC_USER,
    env_var_name("api", "password"): BASIC_PASSWORD,
    env_var_name("oauth", "client_id"): CLIENT_ID,
    env_var_name("oauth", "client_secret"): CLIENT_SECRET,
}


def fetch(source, sleeps=None, previous_state=None):
    resolver = SecretResolver.local(environ=SECRETS, secrets_file="/nonexistent.json")
    kwargs = {"sleep": sleeps.append} if sleeps is not None else {}
    client = http_auth.new_client(source, resolver, **kwargs)
    return fetch_rest(source, resolver, client, previous_state), client, resolver


def ids(records):
    return [r["id"] for r in records]


@pytest.mark.usefixtures("allow_loopback")
class TestPagination:
    def test_page_pagination_stops_on_the_empty_page(self, http_stub):
        base, state = http_stub
        source = {
            "request": {"url": f"{base}/page", "params": {"base": "EUR"}},
            "pagination": {"type": "page", "page_param": "page", "start_page": 1},
            "response": {"records_path": "data"},
            "limits": {"max_pages": 10},
        }
        result, client, _ = fetch(source)
        assert ids(result.records) == [1, 2, 3, 4, 5, 6, 7]
        assert result.pages == 4 and not result.budget_reached and result.warnings == []
        assert [r["query"] for r in state.requests][0] == {"base": "EUR", "page": "1"}
        assert client.stats.requests == 4

    def test_reaching_the_page_budget_is_a_recorded_warning_not_silent(self, http_stub):
        base, _ = http_stub
        source = {
            "request": {"url": f"{base}/page"},
            "pagination": {"type": "page"},
            "response": {"records_path": "$.data"},
            "limits": {"max_pages": 2},
        }
        result, client, resolver = fetch(source)
        assert ids(result.records) == [1, 2, 3, 4, 5, 6]
        assert result.budget_reached
        assert len(result.warnings) == 1 and "max_pages=2" in result.warnings[0]
        metadata = rest_metadata(source, resolver, client, result)
        assert metadata["pagination"]["budget_reached"] is True and metadata["warnings"] == result.warnings

    def test_budget_exhaustion_can_be_made_fatal(self, http_stub):
        base, _ = http_stub
        source = {
            "request": {"url": f"{base}/page"},
            "pagination": {"type": "page", "max_pages": 1, "on_budget_exhausted": "fail"},
            "response": {"records_path": "data"},
        }
        with pytest.raises(RestSourceError, match="max_pages=1"):
            fetch(source)

    def test_offset_pagination_stops_on_a_short_page(self, http_stub):
        base, state = http_stub
        source = {
            "request": {"url": f"{base}/offset"},
            "pagination": {"type": "offset", "page_size": 3},
            "response": {"records_path": "results"},
            "limits": {"max_pages": 5},
        }
        result, _, _ = fetch(source)
        assert ids(result.records) == [1, 2, 3, 4, 5, 6, 7] and result.pages == 3
        assert [r["query"]["offset"] for r in state.requests] == ["0", "3", "6"]

    def test_cursor_pagination_follows_the_next_cursor(self, http_stub):
        base, state = http_stub
        source = {
            "request": {"url": f"{base}/cursor"},
            "pagination": {"type": "cursor", "next_cursor_path": "meta.next", "cursor_param": "cursor"},
            "response": {"records_path": "items"},
            "limits": {"max_pages": 10},
        }
        result, _, _ = fetch(source)
        assert ids(result.records) == [1, 2, 3, 4, 5, 6, 7] and result.pages == 4
        assert [r["query"].get("cursor") for r in state.requests] == [None, "2", "4", "6"]

    def test_link_header_pagination(self, http_stub):
        base, _ = http_stub
        source = {
            "request": {"url": f"{base}/link", "params": {"p": 1}},
            "pagination": {"type": "link_header", "max_pages": 5},
        }
        result, _, _ = fetch(source)
        assert ids(result.records) == [1, 2, 3, 4, 5, 6, 7] and result.pages == 2

    def test_max_records_caps_with_a_warning(self, http_stub):
        base, _ = http_stub
        source = {
            "request": {"url": f"{base}/page"},
            "pagination": {"type": "page"},
            "response": {"records_path": "data"},
            "limits": {"max_pages": 10, "max_records": 4},
        }
        result, _, _ = fetch(source)
        assert ids(result.records) == [1, 2, 3, 4] and result.records_capped
        assert "max_records=4" in result.warnings[0]

    def test_missing_records_path_is_an_error(self, http_stub):
        base, _ = http_stub
        with pytest.raises(RestSourceError, match="records_path 'rows' not found"):
            fetch({"request": {"url": f"{base}/page"}, "response": {"records_path": "rows"}})

    def test_raw_mode_keeps_the_body_and_page_number(self, http_stub):
        base, _ = http_stub
        source = {"request": {"url": f"{base}/geojson"}, "response": {"mode": "raw"}}
        result, _, _ = fetch(source)
        assert len(result.records) == 1
        assert json.loads(result.records[0]["raw_response"])["features"][1]["id"] == "ev2"
        assert result.records[0]["response_page_number"] == 1


@pytest.mark.usefixtures("allow_loopback")
class TestAuth:
    @pytest.mark.parametrize(
        "auth",
        [
            {"type": "bearer_token", "token": "{{ secret:api/token }}"},
            {"type": "api_key", "header": "X-Api-Key", "value": "{{ secret:api/key }}"},
            {"type": "basic", "username": "{{ secret:api/user }}", "password": "{{ secret:api/password }}"},
            {
                "type": "oauth_client_credentials",
                "token_url": "{base}/token",
                "client_id": "{{ secret:oauth/client_id }}",
                "client_secret": "{{ secret:oauth/client_secret }}",
                "scopes": ["rates.read", "rates.list"],
            },
        ],
        ids=lambda a: a["type"],
    )
    def test_auth_types_reach_the_protected_route(self, http_stub, auth):
        base, state = http_stub
        auth = {k: (v.replace("{base}", base) if isinstance(v, str) else v) for k, v in auth.items()}
        source = {"request": {"url": f"{base}/protected"}, "auth": auth, "response": {"records_path": "data"}}
        result, client, resolver = fetch(source)
        assert ids(result.records) == [1, 2, 3]
        metadata = json.dumps(rest_metadata(source, resolver, client, result))
        for value in (TOKEN, API_KEY, BASIC_PASSWORD, CLIENT_SECRET, ACCESS_TOKEN):
            assert value not in metadata
        if auth["type"] == "oauth_client_credentials":
            token_call = state.requests[0]
            assert token_call["path"] == "/token" and b"scope=rates.read+rates.list" in token_call["body"]
            assert ACCESS_TOKEN in resolver.revealed

    def test_inline_credentials_are_refused(self, http_stub):
        base, _ = http_stub
        with pytest.raises(http_auth.HttpAuthError, match="placeholder"):
            fetch(
                {
                    "request": {"url": f"{base}/protected"},
                    "auth": {"type": "bearer_token", "token": "literal"},
                }
            )
        with pytest.raises(http_auth.HttpAuthError, match="Authorization"):
            fetch({"request": {"url": f"{base}/protected", "headers": {"Authorization": "Bearer literal"}}})

    def test_metadata_keeps_placeholders_and_masks_sensitive_headers(self, http_stub):
        base, _ = http_stub
        source = {
            "request": {"url": f"{base}/protected", "headers": {"X-Api-Key": "{{ secret:api/key }}"}},
            "response": {"records_path": "data"},
        }
        result, client, resolver = fetch(source)
        metadata = rest_metadata(source, resolver, client, result)
        assert metadata["request"]["headers"]["X-Api-Key"] == "{{ secret:api/key }}"
        assert metadata["http_requests"] == 1 and metadata["bytes_read"] > 0


@pytest.mark.usefixtures("allow_loopback")
class TestResilienceAndLimits:
    def test_429_honours_retry_after(self, http_stub):
        base, state = http_stub
        sleeps = []
        source = {"request": {"url": f"{base}/flaky429"}, "response": {"records_path": "data"}}
        source["limits"] = {"retry_attempts": 2, "retry_backoff_seconds": 0.5}
        result, client, _ = fetch(source, sleeps)
        assert ids(result.records) == [1, 2]
        assert sleeps == [2.0]  # Retry-After wins over the backoff
        assert client.stats.retries == 1 and state.hits["flaky429"] == 2

    def test_500_retries_with_exponential_backoff(self, http_stub):
        base, _ = http_stub
        sleeps = []
        source = {"request": {"url": f"{base}/flaky500"}, "response": {"records_path": "data"}}
        source["limits"] = {"retry_attempts": 3, "retry_backoff_seconds": 0.5}
        result, client, _ = fetch(source, sleeps)
        assert ids(result.records) == [1] and sleeps == [0.5, 1.0] and client.stats.retries == 2

    def test_retries_exhausted_raise_the_last_status(self, http_stub):
        base, state = http_stub
        source = {"request": {"url": f"{base}/always500"}, "limits": {"retry_attempts": 2}}
        with pytest.raises(HttpStatusError, match="HTTP 503") as err:
            fetch(source, [])
        assert err.value.status == 503 and len(state.requests) == 3

    def test_redirects_are_refused(self, http_stub):
        base, state = http_stub
        with pytest.raises(RedirectRefusedError, match="302 redirect to /page"):
            fetch({"request": {"url": f"{base}/redirect"}})
        assert [r["path"] for r in state.requests] == ["/redirect"]

    def test_oversize_page_is_refused(self, http_stub):
        base, _ = http_stub
        source = {"request": {"url": f"{base}/big"}, "limits": {"max_page_bytes": 1000}}
        with pytest.raises(ByteLimitExceededError, match="max_page_bytes=1000"):
            fetch(source)

    def test_total_byte_budget_is_refused_across_pages(self, http_stub):
        base, _ = http_stub
        source = {
            "request": {"url": f"{base}/page"},
            "pagination": {"type": "page", "max_pages": 10},
            "response": {"records_path": "data"},
            "limits": {"max_total_bytes": 400},
        }
        with pytest.raises(ByteLimitExceededError, match="max_total_bytes=400"):
            fetch(source)

    def test_rate_limit_spaces_requests(self, http_stub):
        base, _ = http_stub
        sleeps = []
        client = HttpClient(
            HttpLimits(rate_limit_per_minute=30), allow_private=True, sleep=sleeps.append, clock=lambda: 100.0
        )
        client.request("GET", f"{base}/page")
        client.request("GET", f"{base}/page")
        assert sleeps == [2.0]

    def test_incremental_watermark_goes_into_param_header_or_body(self, http_stub):
        base, state = http_stub
        previous_state = {"watermark_column": "updated_at", "watermark_value": "2026-01-05T00:00:00Z"}
        source = {
            "request": {"url": f"{base}/search", "method": "POST", "json": {"filter": "all"}},
            "response": {"records_path": "data"},
            "incremental": {"watermark_column": "updated_at", "watermark_body_field": "since"},
        }
        result, _, _ = fetch(source, previous_state=previous_state)
        assert ids(result.records) == [6, 7] and result.watermark_origin == "state"
        assert json.loads(state.requests[0]["body"]) == {"filter": "all", "since": "2026-01-05T00:00:00Z"}
        source = {
            "request": {"url": f"{base}/search"},
            "response": {"records_path": "data"},
            "incremental": {"watermark_column": "updated_at", "watermark_header": "X-Since",
                            "initial_value": "2026-01-06T00:00:00Z"},
        }  # fmt: skip
        result, _, _ = fetch(source)
        assert ids(result.records) == [7] and result.watermark_origin == "contract"


class TestSsrfGuard:
    def test_loopback_is_refused_when_private_targets_are_not_allowed(self, http_stub, monkeypatch):
        monkeypatch.delenv("CONTRACTFORGE_ALLOW_PRIVATE_HTTP_TARGETS", raising=False)
        base, state = http_stub
        with pytest.raises(UnsafeTargetError, match="non-public address 127.0.0.1"):
            fetch({"request": {"url": f"{base}/page"}})
        host = base.replace("127.0.0.1", "localhost")
        with pytest.raises(UnsafeTargetError):
            fetch({"request": {"url": f"{host}/page"}})
        assert state.requests == []  # nothing was sent

    def test_plan_flag_allows_private_targets(self, http_stub, monkeypatch):
        monkeypatch.delenv("CONTRACTFORGE_ALLOW_PRIVATE_HTTP_TARGETS", raising=False)
        base, _ = http_stub
        result, _, _ = fetch(
            {
                "request": {"url": f"{base}/page", "allow_private_targets": True},
                "response": {"records_path": "data"},
            }
        )
        assert ids(result.records) == [1, 2, 3]

    @pytest.mark.parametrize(
        "address", ["10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.10.10", "0.0.0.0", "::1", "fe80::1",
                    "::ffff:127.0.0.1", "224.0.0.1"]
    )  # fmt: skip
    def test_non_public_addresses_are_refused(self, address):
        with pytest.raises(UnsafeTargetError):
            vet_address(address, allow_private=False)
        vet_address(address, allow_private=True)

    def test_metadata_endpoint_is_refused_even_when_private_targets_are_allowed(self, monkeypatch):
        monkeypatch.setenv("CONTRACTFORGE_ALLOW_PRIVATE_HTTP_TARGETS", "true")
        with pytest.raises(UnsafeTargetError, match="metadata"):
            fetch({"request": {"url": "http://169.254.169.254/latest/meta-data/"}})
        vet_address("93.184.216.34", allow_private=False)  # a public address passes


def test_header_parsers():
    assert next_link('<https://a/x?p=2>; rel="next", <https://a/x?p=9>; rel="last"') == "https://a/x?p=2"
    assert next_link('<https://a/x?p=1>; rel="prev"') is None
    assert parse_retry_after("7") == 7.0 and parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert REDACTED  # imported constant stays part of the public surface
    assert ITEMS[0]["id"] == 1
