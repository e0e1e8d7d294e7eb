"""Local evidence without Spark: the home's Iceberg SQL catalog read from its metadata, queried by DuckDB.

``run --local`` keeps its ``glue_catalog`` in an Iceberg JDBC catalog on SQLite
(``<home>/iceberg_catalog.sqlite``). Only the evidence tables a statement names are loaded: their
current schema and live data files come from the metadata JSON and manifests (iceberg_metadata,
standard library only), and DuckDB reads those Parquet files by Iceberg field id into in-memory
tables ``"<database>"."<table>"`` — so the Trino text of the named queries, translated for DuckDB,
runs unchanged. Each table is read once per command (a view would read its Parquet files again for
every query: an audit's queries took twice the CPU), with one DuckDB thread (a local home's evidence
is small: a second thread costs more than it gives). Read-only: retention and compaction still go
through Spark.

Correctness over speed: a table whose current snapshot has delete files is read with pyiceberg
instead (it applies position deletes and deletion vectors; it refuses equality deletes, which Spark
never writes, and that refusal surfaces as an error naming the table — never as rows that should
have been deleted).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from contractforge_runtime.evidence.schema import (
    DEFAULT_TABLE_PREFIX,
    EVIDENCE_TABLES,
    evidence_table,
    physical_name,
)

from contractforge.errors import ContractForgeError, Problem
from contractforge.ops import evidence_views, iceberg_metadata
from contractforge.ops.sql_backends import render_sql, sql_literal

CATALOG_NAME = "glue_catalog"  # the Spark catalog name run --local registers (catalog_name column)
CATALOG_FILE = "iceberg_catalog.sqlite"
# homes written before an evidence table was renamed keep its former name: read that when the new one is absent
FORMER_NAMES = {"ctrl_ingestion_deployment_versions": "ctrl_deployment_versions"}
_NAMES = re.compile(r"\b(ctrl_[a-z_]+)\b")
_DUCKDB_TYPES = {
    "STRING": "VARCHAR",
    "TIMESTAMP": "TIMESTAMP",
    "DATE": "DATE",
    "BOOLEAN": "BOOLEAN",
    "BIGINT": "BIGINT",
    "DOUBLE": "DOUBLE",
}


class EvidenceReadError(ContractForgeError):
    """The local evidence cannot be read faithfully (exit 2, one readable line)."""


class LocalEvidence:
    """A read-only SqlBackend (dialect ``duckdb``) over the local evidence database."""

    dialect = "duckdb"

    def __init__(self, catalog_db: str | Path, database: str, table_prefix: str | None = None):
        self.catalog_db = Path(catalog_db)
        self.database = database
        # evidence.table_prefix: the catalog tables are <prefix><suffix>; queries keep the default names
        self.table_prefix = table_prefix
        if not self.catalog_db.is_file():
            raise EvidenceReadError(
                [
                    Problem(
                        message="no local evidence catalog",
                        file=str(self.catalog_db),
                        suggestion="run `contractforge run --local PROJECT` first (with the same --home)",
                    )
                ]
            )
        import duckdb

        self._con = duckdb.connect(config={"threads": 1})
        self._con.execute("SET TimeZone = 'UTC'")
        self._con.execute(f'CREATE SCHEMA "{database}"')
        self._loaded: set[str] = set()
        self._locations: dict[str, dict[str, str]] = {}  # namespace → table → metadata location
        self._full_catalog = None  # pyiceberg's SqlCatalog, only for a table with delete files

    # ---- SqlBackend ---------------------------------------------------------------------------------
    def render(self, sql: str, **params: str) -> str:
        return render_sql(sql, self.dialect, self.database, **params)

    def query(self, sql: str, **params: str) -> list[dict[str, Any]]:
        return self.run(self.render(sql, **params))

    def execute(self, sql: str, **params: str) -> None:
        raise EvidenceReadError.single(
            "the light local reader is read-only", suggestion="retention and compaction run through Spark"
        )

    def run(self, statement: str) -> list[dict[str, Any]]:
        """Run one already-rendered DuckDB statement, loading the evidence tables it names."""
        self.load(_NAMES.findall(statement))
        cursor = self._con.execute(statement)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    # ---- catalog ------------------------------------------------------------------------------------
    def metadata_location(self, namespace: str, table: str) -> str | None:
        """Where the current metadata JSON of ``namespace.table`` is (None: no such table)."""
        if namespace not in self._locations:
            self._locations[namespace] = iceberg_metadata.catalog_tables(
                self.catalog_db, CATALOG_NAME, namespace
            )
        return self._locations[namespace].get(table)

    def table_metadata(self, namespace: str, table: str) -> dict[str, Any] | None:
        location = self.metadata_location(namespace, table)
        return None if location is None else iceberg_metadata.read_metadata(location)

    # ---- loading ------------------------------------------------------------------------------------
    def load(self, names: list[str]) -> None:
        """Expose the named tables (and the tables behind named views) to DuckDB."""
        wanted = {n for n in names if n in EVIDENCE_TABLES or n in evidence_views.VIEWS}
        tables = {n for n in wanted if n in EVIDENCE_TABLES}
        for view in wanted - tables:
            tables.update(evidence_views.base_tables(view))
        for name in sorted(tables - self._loaded):
            self._con.execute(f'CREATE TABLE "{self.database}"."{name}" AS {self._select(name)}')
            self._loaded.add(name)
        for view in sorted(wanted - set(EVIDENCE_TABLES) - self._loaded):
            self._con.execute(evidence_views.create_view_sql(view, self.dialect, self.database))
            self._loaded.add(view)

    def _stored_name(self, name: str) -> str | None:
        stored = physical_name(name, self.table_prefix)
        if self.metadata_location(self.database, stored) is not None:
            return stored
        former = FORMER_NAMES.get(name)
        if former and self.table_prefix in (None, DEFAULT_TABLE_PREFIX):
            if self.metadata_location(self.database, former) is not None:
                return former
        return None

    def _select(self, name: str) -> str:
        """A SELECT with every known evidence column of ``name`` (missing ones NULL), naive UTC timestamps."""
        stored = self._stored_name(name)
        if stored is None:  # like `evidence ensure`: a missing table reads as empty
            return _conformed(name, {}, None)
        location = self.metadata_location(self.database, stored)
        try:
            files = iceberg_metadata.table_files(iceberg_metadata.read_metadata(location))
        except iceberg_metadata.NeedsFullReader:
            return self._select_with_pyiceberg(name, stored)
        present = {column.name: column.duckdb_type for column in files.columns}
        if not files.data_files:
            return _conformed(name, present, None)
        fields = ", ".join(
            f"{c.field_id}: {{name: {sql_literal(c.name)}, type: '{c.duckdb_type}', default_value: NULL}}"
            for c in files.columns
        )
        paths = ", ".join(sql_literal(path) for path in files.data_files)
        return _conformed(name, present, f"read_parquet([{paths}], schema = MAP {{{fields}}})")

    def _select_with_pyiceberg(self, name: str, stored: str) -> str:
        if self._full_catalog is None:
            from pyiceberg.catalog.sql import SqlCatalog

            # Spark's JDBC catalog layout is what pyiceberg calls "v0"; it is read as is and must not be
            # migrated (Spark keeps writing it), so the advice to migrate is noise here.
            logging.getLogger("pyiceberg.catalog.sql").setLevel(logging.ERROR)
            self._full_catalog = SqlCatalog(
                CATALOG_NAME,
                uri=f"sqlite:///{self.catalog_db.resolve()}",
                init_catalog_tables="false",  # never touch the SQLite file Spark writes to
            )
        table = self._full_catalog.load_table((self.database, stored))
        try:
            data = table.scan().to_arrow()
        except ValueError as exc:  # e.g. equality deletes: refuse rather than return deleted rows
            raise EvidenceReadError(
                [
                    Problem(
                        message=f"pyiceberg cannot read this table faithfully: {exc}",
                        file=str(self.catalog_db),
                        field=f"{self.database}.{name}",
                        suggestion="use the Spark reader: add --spark",
                    )
                ]
            ) from None
        self._con.register(f"__evidence_{name}", data)
        return _conformed(name, {c: "" for c in data.column_names}, f'"__evidence_{name}"')


def _conformed(name: str, present: dict[str, str], source: str | None) -> str:
    """SELECT over ``source`` (columns ``present``: name → DuckDB type; None: no rows) in the evidence
    layout: known columns first, cast to their evidence type (a missing one NULL), then the columns a
    newer runtime wrote."""
    definition = evidence_table(name)
    columns = []
    for column in definition.columns:
        value = f'"{column.name}"' if source and column.name in present else "NULL"
        columns.append(f'CAST({value} AS {_DUCKDB_TYPES[column.type]}) AS "{column.name}"')
    for extra, kind in present.items():
        if extra not in definition.column_names:  # written by a newer runtime: keep them readable
            columns.append(f'"{extra}"' if source else f'CAST(NULL AS {kind}) AS "{extra}"')
    return f"SELECT {', '.join(columns)} FROM {source or '(SELECT 1) AS nothing WHERE false'}"


def catalog_file(home: str | Path) -> Path:
    """Where ``run --local`` keeps its catalog in ``home``."""
    return Path(home) / CATALOG_FILE


def local_evidence(home: str | Path, database: str, table_prefix: str | None = None) -> LocalEvidence:
    return LocalEvidence(catalog_file(home), database, table_prefix)
