"""Evidence and target compaction: the runtime appends one small file per evidence write (2–3 per run in
``ctrl_ingestion_locks``), and the lock, idempotency and state reads open every file of their
target. Measured locally: 20 lock files → a lock read of 0.23 s; 202 files → 0.86 s. Compaction
rewrites the small files into few and expires old snapshots, so those reads stay flat.

Targets written with merge-on-read (the default) also collect one delete file per changing run,
which every reader merges: ``OPTIMIZE`` folds them into the data files.

Athena: ``OPTIMIZE … REWRITE DATA USING BIN_PACK`` then ``VACUUM`` (snapshot expiry and orphan files
by the table's vacuum properties). Local: Iceberg's ``rewrite_data_files`` (delete files applied),
``rewrite_position_delete_files`` and ``expire_snapshots``. Dry run by default, like retention.
The scheduled variant on AWS is the ``table_maintenance`` Terraform module (render/maintenance.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from contractforge_runtime.evidence.schema import EVIDENCE_TABLES, physical_name

from contractforge.ops.sql_backends import LOCAL_CATALOG, SqlBackend
from contractforge.render.maintenance import athena_compaction_statements

# Local snapshot expiry keeps what Athena's VACUUM keeps by default (vacuum_max_snapshot_age_seconds).
SNAPSHOT_RETENTION = timedelta(days=5)


def compaction_statements(
    dialect: str, database: str, table: str, now: datetime, deletes: bool = False
) -> list[str]:
    """``deletes``: also rewrite position-delete files (targets; Athena's OPTIMIZE applies them)."""
    if dialect == "trino":
        return athena_compaction_statements(database, table)
    name = f"{database}.{table}"
    cutoff = (now - SNAPSHOT_RETENTION).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    statements = [
        f"CALL {LOCAL_CATALOG}.system.rewrite_data_files(table => '{name}', options => map('min-input-files', '2'))"
    ]
    if deletes:
        statements.append(f"CALL {LOCAL_CATALOG}.system.rewrite_position_delete_files(table => '{name}')")
    statements.append(
        f"CALL {LOCAL_CATALOG}.system.expire_snapshots(table => '{name}', older_than => TIMESTAMP '{cutoff}', "
        "retain_last => 1)"
    )
    return statements


def _files_sql(dialect: str, database: str, table: str) -> str:
    if dialect == "trino":
        return f'SELECT count(*) AS data_files FROM "{database}"."{table}$files"'
    return f"SELECT count(*) AS data_files FROM {LOCAL_CATALOG}.{database}.{table}.files"


def _run(backend: SqlBackend, statement: str) -> list[dict[str, Any]]:
    """An already-final statement (procedure calls and OPTIMIZE do not go through the transpiler)."""
    if backend.dialect == "trino":
        return backend.run(statement, database=backend.database)
    return [row.asDict() for row in backend.spark.sql(statement).collect()]


def _data_files(backend: SqlBackend, database: str, table: str) -> int | None:
    rows = _run(backend, _files_sql(backend.dialect, database, table))
    return int(next(iter(rows[0].values()))) if rows and rows[0] else None


def _exists(backend: SqlBackend, database: str, table: str) -> bool:
    return bool(backend.spark.catalog.tableExists(f"{LOCAL_CATALOG}.{database}.{table}"))


def run_compaction(
    backend: SqlBackend,
    *,
    execute: bool = False,
    now: datetime | None = None,
    targets: tuple[tuple[str, str], ...] = (),
) -> list[dict[str, Any]]:
    """One dict per evidence table (``table`` = its name) and per target (``database.table``): data
    files before (and after), the statements, the action."""
    now = now or datetime.now(UTC)
    evidence = sorted(physical_name(table, backend.table_prefix) for table in EVIDENCE_TABLES)
    tables = [(backend.database, table, table, False) for table in evidence]
    tables += [(database, table, f"{database}.{table}", True) for database, table in sorted(set(targets))]
    report = []
    for database, table, label, is_target in tables:
        statements = compaction_statements(backend.dialect, database, table, now, deletes=is_target)
        entry: dict[str, Any] = {"table": label, "statements": statements}
        if backend.dialect == "spark" and not _exists(backend, database, table):
            report.append({**entry, "data_files_before": None, "action": "MISSING"})
            continue
        try:
            before = _data_files(backend, database, table)
        except Exception as exc:  # noqa: BLE001 - e.g. a table Athena does not have yet: reported
            report.append({**entry, "data_files_before": None, "action": "MISSING", "error": str(exc)})
            continue
        entry["data_files_before"] = before
        if not execute:
            report.append({**entry, "action": "DRY_RUN"})
            continue
        if before is not None and before <= 1:
            report.append({**entry, "action": "NOTHING_TO_DO"})
            continue
        for statement in statements:
            _run(backend, statement)
        after = _data_files(backend, database, table)
        report.append({**entry, "action": "COMPACTED", "data_files_after": after})
    return report
