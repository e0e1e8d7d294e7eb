"""SecretResolver against its real stores: env vars, a JSON file, and Secrets Manager on moto's server."""

from __future__ import annotations

import json
import socket

import pytest
from contractforge_runtime.environment.secrets import (
    REDACTED,
    SecretError,
    SecretResolver,
    env_var_name,
    is_sensitive_key,
    parse_placeholder,
    placeholders_in,
    redact,
)


def test_placeholder_scope_is_everything_before_the_first_slash():
    assert parse_placeholder("acme/billing-pg/user") == ("acme", "billing-pg/user")
    assert placeholders_in({"a": ["x {{ secret:s/k }} y", "{{SECRET: s/k}}"], "b": "{{ secret:t/u }}"}) == [
        ("s", "k"),
        ("t", "u"),
    ]
    with pytest.raises(SecretError):
        parse_placeholder("no-key")
    with pytest.raises(SecretError):
        parse_placeholder("/key")


def test_env_var_name_upper_cases_and_replaces_non_alphanumerics():
    assert env_var_name("acme-billing.pg", "jdbc/url") == "CONTRACTFORGE_SECRET_ACME_BILLING_PG_JDBC_URL"


def test_local_resolution_prefers_env_then_file(tmp_path):
    secrets_file = tmp_path / "secrets.json"
    secrets_file.write_text(
        json.dumps({"billing": {"user": "file-user", "password": "file-pw"}, "api/token": "tok-123456"})
    )
    environ = {env_var_name("billing", "user"): "env-user"}
    resolver = SecretResolver.local(environ=environ, secrets_file=str(secrets_file))
    resolved = resolver.resolve(
        {
            "url": "jdbc:postgresql://db/x?user={{ secret:billing/user }}",
            "auth": {"password": "{{ secret:billing/password }}", "token": ["{{ secret:api/token }}"]},
            "n": 3,
        }
    )
    assert resolved == {
        "url": "jdbc:postgresql://db/x?user=env-user",
        "auth": {"password": "file-pw", "token": ["tok-123456"]},
        "n": 3,
    }
    assert resolver.revealed == {"env-user", "file-pw", "tok-123456"}


def test_missing_secret_names_where_it_looked_without_values(tmp_path):
    resolver = SecretResolver.local(environ={}, secrets_file=str(tmp_path / "absent.json"))
    with pytest.raises(SecretError) as err:
        resolver.resolve("{{ secret:billing/password }}")
    message = str(err.value)
    assert "CONTRACTFORGE_SECRET_BILLING_PASSWORD" in message and "absent.json" in message


def test_redact_masks_known_values_sensitive_keys_and_text_patterns():
    resolver = SecretResolver.local(environ={env_var_name("s", "pw"): "hunter2hunter2"}, secrets_file="/nope")
    resolver.resolve("{{ secret:s/pw }}")
    evidence = resolver.redact(
        {
            "options": {
                "user": "reader",
                "password": "{{ secret:s/pw }}",
                "kafka.sasl.mechanism": "PLAIN",
                "kafka.sasl.jaas.config": 'x required username="u" password="p";',
                "fetchsize": "1000",
            },
            "headers": {"Authorization": "Bearer abcdefghijkl", "X-Api-Key": "raw", "Accept": "json"},
            "error": "login failed for hunter2hunter2 at https://bob:pa55word@host/x?token=zzz&page=2",
        }
    )
    assert evidence["options"]["password"] == "{{ secret:s/pw }}"  # a placeholder reveals nothing
    assert evidence["options"]["kafka.sasl.mechanism"] == "PLAIN"
    assert evidence["options"]["kafka.sasl.jaas.config"] == REDACTED
    assert evidence["options"]["user"] == "reader" and evidence["options"]["fetchsize"] == "1000"
    assert evidence["headers"] == {"Authorization": REDACTED, "X-Api-Key": REDACTED, "Accept": "json"}
    assert "hunter2hunter2" not in evidence["error"] and "pa55word" not in evidence["error"]
    assert "zzz" not in evidence["error"] and "page=2" in evidence["error"]
    assert redact("Authorization: Bearer abc.def.ghi-jkl") == f"Authorization: Bearer {REDACTED}"


@pytest.mark.parametrize(
    ("key", "sensitive"),
    [
        ("password", True),
        ("client_secret", True),
        ("x-api-key", True),
        ("apiKey", True),
        ("access_token", True),
        ("connection_string", True),
        ("kafka.sasl.mechanism", False),
        ("merge_keys", False),
        ("partition_column", False),
        ("fetchsize", False),
        ("token_url", False),
        ("api_key_header", False),
        ("token_type", False),
    ],
)
def test_sensitive_key_names(key, sensitive):
    assert is_sensitive_key(key) is sensitive


@pytest.fixture(scope="module")
def moto_endpoint():
    server_module = pytest.importorskip("moto.server")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.mark.aws
def test_secrets_manager_resolution_through_real_boto3(moto_endpoint):
    boto3 = pytest.importorskip("boto3")
    client = boto3.client(
        "secretsmanager",
        endpoint_url=moto_endpoint,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_secret(
        Name="acme-billing-pg",
        SecretString=json.dumps({"user": "svc_reader", "password": "s3cr3t!", "port": 5432}),
    )
    client.create_secret(Name="plain-token", SecretString="tok-plain-value")
    resolver = SecretResolver.aws(client)
    assert resolver.resolve("{{ secret:acme-billing-pg/user }}") == "svc_reader"
    assert resolver.resolve("{{ secret:acme-billing-pg/port }}") == "5432"
    assert resolver.resolve("Bearer {{ secret:plain-token/anything }}") == "Bearer tok-plain-value"
    with pytest.raises(SecretError, match="not found"):
        resolver.resolve("{{ secret:acme-billing-pg/missing }}")
    with pytest.raises(SecretError, match="ResourceNotFoundException"):
        resolver.resolve("{{ secret:no-such-secret/key }}")
    assert "svc_reader" not in json.dumps(resolver.redact({"msg": "user svc_reader"}))
