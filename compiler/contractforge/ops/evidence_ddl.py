"""`evidence ensure --env aws`: the evidence database and tables through Athena DDL.

The DDL text comes from the runtime's evidence schema (one source of truth). What already exists
is read from the Glue Data Catalog (where Athena keeps Iceberg tables): missing tables are
created, tables lacking columns get ``ALTER TABLE … ADD COLUMNS``; nothing is ever dropped. The
``evidence_views`` (current state, current lock status) are created or replaced after the tables.
"""

from __future__ import annotations

from contractforge_runtime.evidence.schema import (
    EVIDENCE_TABLES,
    athena_column,
    athena_create_database_ddl,
    athena_create_table_ddl,
    check_identifier,
    evidence_table,
    physical_name,
)

from contractforge.ops import evidence_views
from contractforge.ops.aws import AwsCallError, AwsSession
from contractforge.ops.sql_backends import AthenaBackend

CREATED = "CREATED"
COLUMNS_ADDED = "COLUMNS_ADDED"
UP_TO_DATE = "UP_TO_DATE"
VIEW = "VIEW_REPLACED"


def existing_columns(session: AwsSession, database: str, table: str) -> set[str] | None:
    """Lower-cased column names (partition keys included) of a catalog table, None when absent."""
    try:
        found = session.call("glue", "get_table", DatabaseName=database, Name=table)["Table"]
    except AwsCallError as exc:
        if exc.code == "EntityNotFoundException":
            return None
        raise
    columns = found.get("StorageDescriptor", {}).get("Columns", []) + found.get("PartitionKeys", [])
    return {column["Name"].lower() for column in columns}


def add_columns_ddl(
    database: str, table_name: str, missing: list[str], table_prefix: str | None = None
) -> str:
    table = evidence_table(table_name)
    # reserved words such as `trigger` (ctrl_ingestion_streams) must be backquoted for Athena
    columns = ", ".join(f"{athena_column(name)} {table.column(name).type}" for name in missing)
    name = physical_name(table_name, table_prefix)
    return f"ALTER TABLE {check_identifier(database)}.{name} ADD COLUMNS ({columns})"


def ensure_evidence(
    session: AwsSession, athena: AthenaBackend, location: str, tables: list[str] | None = None
) -> list[dict]:
    """Create/upgrade every evidence table; one ``{table, action, statement}`` per table."""
    database, prefix = athena.database, athena.table_prefix  # evidence.table_prefix names the tables
    athena.run(athena_create_database_ddl(database))
    results = [{"table": database, "action": "DATABASE", "statement": athena_create_database_ddl(database)}]
    for name in tables or list(EVIDENCE_TABLES):
        present = existing_columns(session, database, physical_name(name, prefix))
        if present is None:
            statement = athena_create_table_ddl(name, database, location, prefix)
            action = CREATED
        else:
            missing = [c for c in evidence_table(name).column_names if c.lower() not in present]
            if not missing:
                results.append({"table": name, "action": UP_TO_DATE, "statement": None})
                continue
            statement, action = add_columns_ddl(database, name, missing, prefix), COLUMNS_ADDED
        athena.run(statement, database=database)
        results.append({"table": name, "action": action, "statement": statement})
    names = set(tables or EVIDENCE_TABLES)
    for view in evidence_views.VIEWS:  # replaced every time: the text follows the installed version
        if set(evidence_views.base_tables(view)) <= names:
            statement = evidence_views.create_view_sql(view, "trino", database, prefix)
            athena.run(statement, database=database)
            results.append({"table": view, "action": VIEW, "statement": statement})
    return results
