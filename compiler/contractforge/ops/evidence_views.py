"""Views over the append-only evidence that read as the operations guide's tables describe them.

``ctrl_ingestion_state`` and ``ctrl_ingestion_locks`` are logs (one row per run, one row per lock
event); the data dictionary describes the *current* state per target and the *current* status of
each lock. ``ctrl_ingestion_state_current`` and ``ctrl_ingestion_locks_current`` are those views,
defined once by the named queries ``state`` and ``locks`` (Trino text): ``evidence ensure``
creates them in Athena, the light local reader in DuckDB.
"""

from __future__ import annotations

from contractforge_runtime.evidence.schema import rename_tables

from contractforge.ops import sql_catalog
from contractforge.ops.sql_backends import render_sql

# view name → (named query defining it, evidence tables it reads)
VIEWS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ctrl_ingestion_state_current": ("state", ("ctrl_ingestion_state",)),
    "ctrl_ingestion_locks_current": ("locks", ("ctrl_ingestion_locks",)),
}
# the guide's table name → the view holding what its dictionary describes
GUIDE_RELATIONS = {
    "ctrl_ingestion_state": "ctrl_ingestion_state_current",
    "ctrl_ingestion_locks": "ctrl_ingestion_locks_current",
}


def base_tables(view: str) -> tuple[str, ...]:
    return VIEWS[view][1]


def create_view_sql(view: str, dialect: str, database: str, table_prefix: str | None = None) -> str:
    """``CREATE OR REPLACE VIEW`` in ``dialect`` (trino for Athena, duckdb locally), the view and the
    tables it reads named with ``table_prefix``."""
    body = render_sql(sql_catalog.query_text(VIEWS[view][0]), dialect, database, table_prefix)
    return f'CREATE OR REPLACE VIEW "{database}"."{rename_tables(view, table_prefix)}" AS\n{body}'
