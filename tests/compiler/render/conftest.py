"""Golden files of the renderers: ``pytest tests/compiler/render --update-golden`` rewrites them."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    try:
        parser.addoption(
            "--update-golden",
            action="store_true",
            default=False,
            help="rewrite golden files under tests/**/golden from the current output instead of comparing",
        )
    except ValueError:  # another conftest registered it already
        pass


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden", default=False))
