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


def test_check_placeholders_finds_a_malformed_one_in_any_case_and_passes_clean_mappings():
    from contractforge.validation.locate import Problems
    from contractforge.validation.placeholders import check_placeholders

    found = Problems(lambda path: {})
    check_placeholders(found, {"source": {"options": {"password": "{{ SECRET:pg }}"}, "n": 1, "on": None}})
    assert [(p.field, p.code) for p in found.items] == [
        ("source.options.password", "SECRET_PLACEHOLDER_INVALID")
    ]
    clean = Problems(lambda path: {})
    check_placeholders(clean, {"secrets": ["{{ secret:pg/user }}"], "source": {"path": "s3://b/{x}"}})
    assert clean.items == []
