"""Local evidence without Spark: the home's Iceberg SQL catalog read by pyiceberg, queried by DuckDB.

``run --local`` keeps its ``glue_catalog`` in an Iceberg JDBC catalog on SQLite
(``<home>/iceberg_catalog.sqlite``), which pyiceberg's ``SqlCatalog`` reads as is. Only the
evidence tables a statement names are loaded (as Arrow, in parallel), then exposed to DuckDB as
views ``"<database>"."<table>"`` — so the Trino text of the named queries, transpiled by sqlglot,
runs unchanged. Read-only: retention and compaction still go through Spark.

Correctness over speed: pyiceberg applies position deletes and deletion vectors; it refuses
equality deletes (Spark never writes them), and that refusal surfaces as an error naming the
table — never as rows that should have been deleted.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from contractforge_runtime.evidence.schema import EVIDENCE_TABLES, evidence_table, physical_name

from contractforge.errors import ContractForgeError, Problem
from contractforge.ops import evidence_views
from contractforge.ops.sql_backends import render_sql

CATALOG_NAME = "glue_catalog"  # the Spark catalog name run --local registers (catalog_name column)
CATALOG_FILE = "iceberg_catalog.sqlite"
_NAMES = re.compile(r"\b(ctrl_[a-z_]+)\b")
_ARROW_TYPES = {
    "STRING": "string",
    "TIMESTAMP": "timestamp",
    "DATE": "date32",
    "BOOLEAN": "bool_",
    "BIGINT": "int64",
    "DOUBLE": "float64",
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
        from pyiceberg.catalog.sql import SqlCatalog

        # Spark's JDBC catalog layout is what pyiceberg calls "v0"; it is read as is and must not be
        # migrated (Spark keeps writing it), so the advice to migrate is noise here.
        logging.getLogger("pyiceberg.catalog.sql").setLevel(logging.ERROR)
        self.catalog = SqlCatalog(
            CATALOG_NAME,
            uri=f"sqlite:///{self.catalog_db.resolve()}",
            init_catalog_tables="false",  # never touch the SQLite file Spark writes to
        )
        self._con = duckdb.connect()
        self._con.execute("SET TimeZone = 'UTC'")
        self._con.execute(f'CREATE SCHEMA "{database}"')
        self._loaded: set[str] = set()
        self._existing: set[str] | None = None

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

    # ---- loading ------------------------------------------------------------------------------------
    def load(self, names: list[str]) -> None:
        """Expose the named tables (and the tables behind named views) to DuckDB."""
        wanted = {n for n in names if n in EVIDENCE_TABLES or n in evidence_views.VIEWS}
        tables = {n for n in wanted if n in EVIDENCE_TABLES}
        for view in wanted - tables:
            tables.update(evidence_views.base_tables(view))
        pending = sorted(tables - self._loaded)
        if pending:
            with ThreadPoolExecutor(max_workers=min(4, len(pending))) as pool:
                frames = dict(zip(pending, pool.map(self._arrow, pending), strict=True))
            for name, frame in frames.items():
                self._con.register(f"__evidence_{name}", frame)
                self._con.execute(
                    f'CREATE VIEW "{self.database}"."{name}" AS SELECT * FROM "__evidence_{name}"'
                )
                self._loaded.add(name)
        for view in sorted(wanted - set(EVIDENCE_TABLES) - self._loaded):
            self._con.execute(evidence_views.create_view_sql(view, self.dialect, self.database))
            self._loaded.add(view)

    def _existing_tables(self) -> set[str]:
        if self._existing is None:
            try:
                listed = self.catalog.list_tables(self.database)
            except Exception:  # noqa: BLE001 - pyiceberg raises NoSuchNamespaceError for a fresh home
                listed = []
            self._existing = {identifier[-1] for identifier in listed}
        return self._existing

    def _arrow(self, name: str):
        """The table as Arrow with every known evidence column, timestamps as naive UTC."""
        stored = physical_name(name, self.table_prefix)
        if stored not in self._existing_tables():
            return _conform(name, None)  # like `evidence ensure`: a missing table reads as empty
        table = self.catalog.load_table((self.database, stored))
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
        return _conform(name, data)


def _conform(name: str, data):
    """Cast to the evidence layout: known columns first (missing ones NULL), naive UTC timestamps."""
    import pyarrow as pa

    definition = evidence_table(name)
    size = 0 if data is None else data.num_rows
    present = set() if data is None else set(data.column_names)
    columns, fields = [], []
    for column in definition.columns:
        arrow_type = getattr(pa, _ARROW_TYPES[column.type])
        arrow_type = arrow_type("us") if column.type == "TIMESTAMP" else arrow_type()
        if column.name in present:
            values = data.column(column.name)
            if pa.types.is_timestamp(values.type) and values.type.tz is not None:
                values = values.cast(pa.timestamp("us", tz="UTC")).cast(pa.timestamp("us"))
        else:
            values = pa.nulls(size, arrow_type)
        columns.append(values)
        fields.append(pa.field(column.name, values.type))
    extra = [] if data is None else [c for c in data.column_names if c not in definition.column_names]
    for column in extra:  # written by a newer runtime: keep them readable
        columns.append(data.column(column))
        fields.append(pa.field(column, data.column(column).type))
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


def catalog_file(home: str | Path) -> Path:
    """Where ``run --local`` keeps its catalog in ``home``."""
    return Path(home) / CATALOG_FILE


def local_evidence(home: str | Path, database: str, table_prefix: str | None = None) -> LocalEvidence:
    return LocalEvidence(catalog_file(home), database, table_prefix)
