"""Dashboard SQL written the operations guide's way (Spark SQL on ``main.ops.ctrl_ingestion_*``),
run on Athena or on the light local reader without editing the text.

The guide asks readers to replace ``main.ops`` with the control schema and to resolve table names
from it. ``adapt`` does exactly that on the parsed statement (sqlglot, Databricks dialect):
``main.ops.<table>`` becomes ``"<evidence database>".<relation>``, where the relation is the table
itself or, for the two tables the dictionary describes as current state
(``ctrl_ingestion_state``, ``ctrl_ingestion_locks``), the view holding that state
(``evidence_views.GUIDE_RELATIONS``); then the statement is written in Trino (Athena) or DuckDB.
"""

from __future__ import annotations

from contractforge.errors import ContractForgeError, Problem
from contractforge.ops.evidence_views import GUIDE_RELATIONS

GUIDE_SCHEMA = ("main", "ops")  # what the guide's queries name the control schema
SOURCE_DIALECT = "databricks"

# The guide's dashboard questions → the named query (`contractforge sql NAME`) answering each.
GUIDE_QUESTIONS: dict[str, str] = {
    "recent runs": "recent_runs",
    "failed runs with their errors": "failed_runs_with_errors",
    "state and watermarks per target": "state",
    "quality rules that failed": "quality_failures",
    "quarantined records per rule": "quarantine_by_rule",
    "schema changes": "schema_changes",
    "stream reconciliation": "stream_reconciliation",
    "stage durations": "stage_durations",
    "estimated runtime cost": "cost_report",
    "annotations applied": "annotations",
    "access not applied": "access",
    "lock status": "locks",
    "framework versions": "framework_versions",
}


def split_statements(text: str) -> list[str]:
    """The ``;``-separated statements of a SQL file (blank ones dropped)."""
    import sqlglot

    return [tree.sql(dialect=SOURCE_DIALECT) for tree in sqlglot.parse(text, read=SOURCE_DIALECT) if tree]


def adapt(statement: str, dialect: str, database: str, *, source: str = "<sql>") -> str:
    """One guide-style statement → ``dialect`` (``trino`` | ``duckdb``) on ``database``."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError

    try:
        tree = sqlglot.parse_one(statement, read=SOURCE_DIALECT)
    except ParseError as exc:
        raise ContractForgeError([Problem(message=f"not Spark SQL: {exc}", file=source)]) from None
    for table in tree.find_all(exp.Table):
        if (table.catalog, table.db) == GUIDE_SCHEMA or (not table.catalog and table.db == GUIDE_SCHEMA[1]):
            table.set("catalog", None)
            table.set("db", exp.to_identifier(database, quoted=True))
            table.set("this", exp.to_identifier(GUIDE_RELATIONS.get(table.name, table.name)))
    return tree.sql(dialect=dialect)
