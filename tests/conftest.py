"""Shared test configuration: where the shared reference material lives, and markers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pg_cluster import postgres  # noqa: F401 - session fixture: real PostgreSQL on loopback (jdbc)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
REFERENCE_PROJECTS = SHARED / "fixtures" / "reference-projects"


@pytest.fixture(scope="session")
def reference_projects() -> Path:
    """The original ContractForge's projects; tests using them skip when ../shared is absent."""
    if not REFERENCE_PROJECTS.is_dir():
        pytest.skip("../shared/fixtures/reference-projects is not present on this machine")
    return REFERENCE_PROJECTS


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """One local Spark + Iceberg session per test run (catalog ``glue_catalog``, warehouse in tmp).

    Skips cleanly when Java or pyspark (with the Iceberg jars) is not installed.
    """
    import shutil

    if shutil.which("java") is None:
        pytest.skip("java is not installed")
    pytest.importorskip("pyspark")
    pytest.importorskip("snowpark_connect_deps_iceberg")
    from contractforge.local.spark import get_local_spark

    home = tmp_path_factory.mktemp("spark_home")
    # Two shuffle partitions, one per core of the local[2] master (the product's local default is 4):
    # the same multi-partition plans with half the tasks per shuffle for the tests' few rows. The runs
    # in a process of their own (CLI, crash and race children) keep the product default.
    session = get_local_spark(home / "warehouse", driver_memory="2g", shuffle_partitions=2)
    yield session
    session.stop()
