"""Where evidence SQL runs: Athena (pyathena, through the AWS seam) or a local Spark session.

Every statement is written once in Athena's (Trino) dialect with ``{db}`` standing for the
evidence database; a backend qualifies ``{db}`` and, for Spark or DuckDB (``evidence_reader``),
translates with sqlglot (sql_translation: the named queries are translated ahead of time).
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from contractforge_runtime.evidence.schema import evidence_table, physical_name, rename_tables

from contractforge.ops.project import AthenaSettings
from contractforge.ops.sql_translation import translate

if TYPE_CHECKING:  # boto3 loads with the Athena backend, not with the local readers
    from contractforge.ops.aws import AwsSession

LOCAL_CATALOG = "glue_catalog"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class SqlBackend(Protocol):
    dialect: str  # "trino" | "spark"
    database: str
    table_prefix: str | None  # evidence.table_prefix (None: the default ctrl_ingestion_* names)

    def render(self, sql: str, **params: str) -> str: ...

    def query(self, sql: str, **params: str) -> list[dict[str, Any]]: ...

    def execute(self, sql: str, **params: str) -> None: ...


def render_sql(
    template: str, dialect: str, database: str, table_prefix: str | None = None, **params: str
) -> str:
    """Name the evidence tables with ``table_prefix`` (``evidence.table_prefix``), translate from
    Trino to ``dialect`` (sql_translation) and substitute ``{db}`` (and ``params``).

    ``{db}`` is the quoted database for Athena and DuckDB (the light local reader), and
    ``glue_catalog.<database>`` for the local Spark session."""
    db = f"{LOCAL_CATALOG}.{database}" if dialect == "spark" else f'"{database}"'
    values = {"db": db, **params}
    text = rename_tables(template, table_prefix)
    text = text.strip().rstrip(";") if dialect == "trino" else translate(text, dialect)
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


class AthenaBackend:
    dialect = "trino"

    def __init__(self, session: AwsSession, settings: AthenaSettings):
        self.session = session
        self.settings = settings
        self.database = settings.database
        self.table_prefix = settings.table_prefix
        self._connection = None

    def render(self, sql: str, **params: str) -> str:
        return render_sql(sql, self.dialect, self.database, self.table_prefix, **params)

    def _cursor(self, database: str | None):
        if self._connection is None:
            # pyathena logs every failed query with its traceback; the error reaches the user once,
            # translated (translate_athena_error), so its own log would only print a stack trace
            logging.getLogger("pyathena").setLevel(logging.CRITICAL)
            self._connection = self.session.athena_connection(
                output_location=self.settings.output_location,
                workgroup=self.settings.workgroup,
                database=database,
            )
        return self._connection.cursor()

    def query(self, sql: str, **params: str) -> list[dict[str, Any]]:
        return self.run(self.render(sql, **params))

    def execute(self, sql: str, **params: str) -> None:
        self.run(self.render(sql, **params))

    def run(self, statement: str, *, database: str | None = None) -> list[dict[str, Any]]:
        """Run one already-rendered statement and return its rows as dicts (``[]`` for DDL/DML)."""
        from pyathena.error import Error as AthenaError

        from contractforge.ops.aws import translate_athena_error

        try:
            cursor = self._cursor(database or "default")
            cursor.execute(statement)
            if not cursor.description:
                return []
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]
        except AthenaError as exc:
            raise translate_athena_error(exc, statement) from None


class SparkBackend:
    dialect = "spark"

    def __init__(self, spark: Any, database: str, table_prefix: str | None = None):
        self.spark = spark
        self.database = database
        self.table_prefix = table_prefix

    def render(self, sql: str, **params: str) -> str:
        return render_sql(sql, self.dialect, self.database, self.table_prefix, **params)

    def query(self, sql: str, **params: str) -> list[dict[str, Any]]:
        return [row.asDict(recursive=True) for row in self.spark.sql(self.render(sql, **params)).collect()]

    def execute(self, sql: str, **params: str) -> None:
        self.spark.sql(self.render(sql, **params)).collect()

    def table_exists(self, table: str) -> bool:
        name = physical_name(table, self.table_prefix)
        return bool(self.spark.catalog.tableExists(f"{LOCAL_CATALOG}.{self.database}.{name}"))


def evidence_insert_statement(table_name: str, rows: list[dict[str, Any]]) -> str:
    """INSERT INTO {db}.<evidence table> (...) VALUES (...), typed by the evidence schema."""
    table = evidence_table(table_name)
    columns = table.column_names
    values = ",\n  ".join(
        "(" + ", ".join(sql_literal(row.get(c), table.column(c).type) for c in columns) + ")" for row in rows
    )
    return f"INSERT INTO {{db}}.{table_name} ({', '.join(columns)}) VALUES\n  {values}"


def sql_literal(value: Any, sql_type: str = "STRING") -> str:
    """A Trino literal for an evidence value of ``sql_type`` (NULL, escaped strings, typed timestamps)."""
    if value is None:
        return f"CAST(NULL AS {_trino_type(sql_type)})"
    if sql_type == "TIMESTAMP":
        text = value.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] if isinstance(value, datetime) else str(value)
        return f"TIMESTAMP '{text}'"
    if sql_type == "DATE":
        return f"DATE '{value.isoformat() if isinstance(value, date) else value}'"
    if sql_type == "BOOLEAN":
        return "TRUE" if value else "FALSE"
    if sql_type == "BIGINT":
        return str(int(value))
    if sql_type == "DOUBLE":
        return f"CAST({float(value)!r} AS DOUBLE)"
    return "'" + str(value).replace("'", "''") + "'"


def _trino_type(sql_type: str) -> str:
    return {"STRING": "VARCHAR"}.get(sql_type, sql_type)
