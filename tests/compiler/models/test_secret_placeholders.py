"""``{{ secret:scope/key }}`` parsing (docs/secrets.md)."""

from __future__ import annotations

from contractforge.models.secrets import (
    SecretRef,
    find_secrets,
    is_secret_placeholder,
    iter_secrets,
    malformed_secrets,
)


def test_scope_is_everything_before_the_first_slash():
    assert find_secrets("{{ secret:acme/billing-pg/user }}") == [SecretRef("acme", "billing-pg/user")]
    assert find_secrets("x={{SECRET: s / k }};y={{ secret:t/u }}") == [
        SecretRef("s", "k"),
        SecretRef("t", "u"),
    ]


def test_whole_value_placeholder_and_malformed():
    assert is_secret_placeholder(" {{ secret:a/b }} ") and not is_secret_placeholder("pre {{ secret:a/b }}")
    assert malformed_secrets("{{ secret:/k }}") and malformed_secrets("{{ secret:scope }}")
    assert not malformed_secrets("{{ secret:a/b }}") and not malformed_secrets("plain")


def test_nested_values_are_searched():
    found = sorted(
        iter_secrets({"auth": {"password": "{{ secret:pg/pw }}"}, "hosts": ["{{ secret:pg/host }}"]})
    )
    assert [s.reference for s in found] == ["pg/host", "pg/pw"]
    assert SecretRef("a", "b").placeholder == "{{ secret:a/b }}"
