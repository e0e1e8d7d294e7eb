"""Fixtures for the source tests: a loopback HTTP server and the SSRF-guard switch.

The session-scoped ``postgres`` fixture (a real PostgreSQL on loopback) lives in tests/pg_cluster.py
and is registered by tests/conftest.py.
"""

from __future__ import annotations

import pytest
from http_stub import start_stub


@pytest.fixture()
def http_stub():
    """(base_url, state) of a fresh loopback server; requests and per-route hit counts in ``state``."""
    server, base_url, state = start_stub()
    yield base_url, state
    server.shutdown()
    server.server_close()


@pytest.fixture()
def allow_loopback(monkeypatch):
    """The SSRF guard refuses loopback by default; these tests talk to 127.0.0.1 on purpose."""
    monkeypatch.setenv("CONTRACTFORGE_ALLOW_PRIVATE_HTTP_TARGETS", "1")
