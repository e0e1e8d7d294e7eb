"""A MERGE source as a temporary view, handed over in the form Iceberg's MERGE accepts."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

from contractforge_runtime.environment.frames import detached


def deterministic_source(source):
    """The MERGE source as a plain RDD-backed frame when its plan holds a non-deterministic expression
    (a derived ``uuid()``, the key check's row ids): copy-on-write MERGE plans its source into a file
    filter too and refuses such a plan. The runner's batch is persisted, so both reads see the same
    rows; other sources would have their random values drawn when MERGE reads them."""
    if source._jdf.queryExecution().analyzed().deterministic():
        return source
    return detached(source)


@contextmanager
def merge_source_view(source, prefix: str = "cf_merge_source"):
    """Yield the name of a temporary view over ``source`` (dropped afterwards)."""
    source = deterministic_source(source)
    view = f"{prefix}_{uuid.uuid4().hex[:12]}"
    source.createOrReplaceTempView(view)
    try:
        yield view
    finally:
        source.sparkSession.catalog.dropTempView(view)
