"""Rows keyed in an evidence table: ``insert_missing`` adds only the rows whose key is not there yet.

A ``MERGE … WHEN NOT MATCHED THEN INSERT``, which Spark runs as an append of the anti join (no
conflict with concurrent appends). Quarantine rows go through it, keyed by target, rule and record,
so a re-delivered file or a recovery run adds no second row (checks/intake.py).
"""

from __future__ import annotations

import uuid

from contractforge_runtime.environment.root_cause import retry_when_busy


def insert_missing(store, table: str, df, keys: tuple[str, ...]) -> None:
    """Insert the rows of ``df`` whose ``keys`` (NULL-safe) ``store``'s ``table`` does not hold."""
    store.ensure([table])
    view = f"cf_insert_missing_{uuid.uuid4().hex[:12]}"
    typed = store.typed(table, df)
    typed.createOrReplaceTempView(view)
    on = " AND ".join(f"t.`{k}` <=> s.`{k}`" for k in keys)
    names = ", ".join(f"`{c}`" for c in typed.columns)  # a newer table's extra columns stay NULL
    values = ", ".join(f"s.`{c}`" for c in typed.columns)
    statement = (
        f"MERGE INTO {store.identifier(table)} t USING {view} s ON {on} "
        f"WHEN NOT MATCHED THEN INSERT ({names}) VALUES ({values})"
    )
    try:
        retry_when_busy(lambda: store.spark.sql(statement))
    finally:
        store.spark.catalog.dropTempView(view)
