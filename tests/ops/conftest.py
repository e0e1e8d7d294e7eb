"""Fixtures for ops tests: the in-process moto server (tests/aws_fixtures.py) and hand-built plans."""

from __future__ import annotations

import pytest

from tests.aws_fixtures import moto_server_fixtures

moto_server, moto = moto_server_fixtures()


@pytest.fixture
def aws_session(moto):
    from contractforge.ops.aws import AwsSession

    return AwsSession(moto.region, endpoint_url=moto.endpoint_url, seed=7)
