"""The local evidence written by ``run --local``: a SparkBackend on the home's ``glue_catalog``."""

from __future__ import annotations

from pathlib import Path

from contractforge.ops.sql_backends import SparkBackend

DEFAULT_HOME = ".contractforge"


def local_warehouse(home: str | Path) -> Path:
    return Path(home) / "warehouse"


def local_spark(home: str | Path = DEFAULT_HOME):
    """The embedded Spark session over the home's catalog (the one ``run --local`` writes to)."""
    from contractforge.local.spark import get_local_spark

    return get_local_spark(local_warehouse(home), Path(home) / "iceberg_catalog.sqlite")


def local_backend(
    spark, database: str, *, ensure: bool = True, table_prefix: str | None = None
) -> SparkBackend:
    """A backend on ``glue_catalog.<database>``; ``ensure`` creates missing (empty) evidence tables so
    every audit query has a table to read, exactly as ``evidence ensure`` does on AWS."""
    if ensure:
        from contractforge_runtime.evidence.store import EvidenceStore

        EvidenceStore(spark, database, table_prefix=table_prefix).ensure()
    return SparkBackend(spark, database, table_prefix)
