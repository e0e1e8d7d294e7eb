"""EvidenceStore: creates the ``ctrl_ingestion_*`` Iceberg tables and appends typed rows to them.

Tables are append-only. ``ensure()`` never drops or retypes anything: it creates what is missing
and adds the columns an older table lacks, so a newer runtime can write into evidence created by
an older one (and an older runtime into a newer table: columns it does not know are written NULL).

Runs do not call ``ensure()``: the tables are set up once per deployment (``contractforge evidence
ensure``, or the first run that finds one missing). A read or an append goes straight to the table;
only when it fails (table missing, columns differ) is that one table ensured and the operation
retried — a run no longer lists the namespace and loads every evidence table first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from contractforge_runtime.environment import iceberg_java
from contractforge_runtime.environment.root_cause import already_exists, retry_when_busy
from contractforge_runtime.evidence import iceberg_append
from contractforge_runtime.evidence import schema as evidence_schema
from contractforge_runtime.evidence.values import evidence_values

# Up to this many rows an append goes through Iceberg's Java API (a few py4j calls per row, no Spark
# job); more are a DataFrame written by Spark.
JAVA_ROWS_LIMIT = 200


class EvidenceStore:
    def __init__(
        self,
        spark,
        database: str,
        location: str | None = None,
        catalog: str = "glue_catalog",
        table_prefix: str | None = None,
    ):
        self.spark = spark
        self.database = evidence_schema.check_identifier(database)
        self.catalog = evidence_schema.check_identifier(catalog)
        self.location = location
        self.table_prefix = table_prefix  # evidence.table_prefix: tables are named <prefix><suffix>
        self._namespace_ready = False
        self._table_schemas: dict[str, Any] = {}  # table name → StructType as it exists in the catalog
        self._ddl = threading.Lock()  # appends run in threads (append_each, packs): one DDL at a time

    def physical(self, table: str) -> str:
        """The catalog name of the evidence table ``table`` (a default ``ctrl_ingestion_*`` name)."""
        return evidence_schema.physical_name(table, self.table_prefix)

    def identifier(self, table: str) -> str:
        return f"{self.catalog}.`{self.database}`.`{self.physical(table)}`"

    # ---- DDL -------------------------------------------------------------------------------------
    def ensure(self, tables: list[str] | tuple[str, ...] | None = None) -> None:
        """Create the namespace and the tables when missing; add columns missing from old tables."""
        names = list(tables if tables is not None else evidence_schema.EVIDENCE_TABLES)
        pending = [name for name in names if name not in self._table_schemas]
        if not pending:
            return
        self._ensure_namespace()
        # One listing for all tables: ensure() runs at the start of every run.
        listed = self._listed_tables()
        for name in pending:
            self._ensure_table(name, exists=self.physical(name) in listed)

    def _ensure_namespace(self) -> None:
        if self._namespace_ready:
            return
        if self.location:
            try:
                self.spark.sql(
                    evidence_schema.spark_create_namespace_ddl(self.database, self.catalog, self.location)
                )
            except Exception:  # noqa: BLE001 - some catalogs (Hadoop) refuse namespace properties
                self._create_namespace()
        else:
            self._create_namespace()
        self._namespace_ready = True

    def _create_namespace(self) -> None:
        try:
            retry_when_busy(
                lambda: self.spark.sql(
                    evidence_schema.spark_create_namespace_ddl(self.database, self.catalog)
                )
            )
        except Exception as error:  # noqa: BLE001 - only a lost creation race is tolerated
            if not already_exists(error):
                raise

    def _listed_tables(self) -> set[str]:
        # SHOW TABLES rather than catching a failed lookup: a JDBC catalog without view support
        # raises UnsupportedOperationException (not AnalysisException) for a missing table.
        rows = self.spark.sql(f"SHOW TABLES IN {self.catalog}.`{self.database}`").collect()
        return {row.tableName for row in rows}

    def _ensure_table(self, name: str, exists: bool | None = None):
        with self._ddl:
            return self._ensure_table_locked(name, exists)

    def _ensure_table_locked(self, name: str, exists: bool | None = None):
        if name in self._table_schemas:
            return self._table_schemas[name]
        table = evidence_schema.evidence_table(name)
        self._ensure_namespace()
        if exists is None:
            exists = self.physical(name) in self._listed_tables()
        if not exists:
            try:  # a first deploy may run several jobs at once: whoever creates the table first wins
                retry_when_busy(
                    lambda: self.spark.sql(
                        evidence_schema.spark_create_table_ddl(
                            name, self.database, self.catalog, self.table_prefix
                        )
                    )
                )
            except Exception as error:  # noqa: BLE001 - only a lost creation race is tolerated
                if not already_exists(error):
                    raise
        else:
            existing = self.spark.table(self.identifier(name)).schema
            present = {field.name.lower() for field in existing.fields}
            missing = [c for c in table.columns if c.name.lower() not in present]
            if not missing:  # the common case: the schema just read is current, no second lookup
                self._table_schemas[name] = existing
                return existing
            # Iceberg cannot add a required column to a table with data: added columns are nullable.
            columns = ", ".join(f"`{c.name}` {c.type}" for c in missing)
            self.spark.sql(f"ALTER TABLE {self.identifier(name)} ADD COLUMNS ({columns})")
        self._table_schemas[name] = self.spark.table(self.identifier(name)).schema
        return self._table_schemas[name]

    # ---- writes ----------------------------------------------------------------------------------
    def append(self, table: str, rows: list[dict], properties: dict[str, str] | None = None) -> int:
        """Append dict rows (typed conversion; unknown keys → ValueError; missing keys → NULL).
        ``properties`` are stored in the commit's snapshot summary (see ``snapshot_property``)."""
        if not rows:
            return 0
        values = evidence_values(table, rows)
        if len(values) > JAVA_ROWS_LIMIT:  # e.g. a files ledger of thousands of files
            self._write(
                table, self.spark.createDataFrame(values, evidence_schema.spark_schema(table)), properties
            )
        else:
            self._append_rows(table, evidence_schema.evidence_table(table).column_names, values, properties)
        return len(values)

    def _append_rows(self, table: str, columns: tuple[str, ...], values: list[tuple], properties) -> None:
        """A few rows, committed through Iceberg's Java API (evidence/iceberg_append.py: no Spark job)."""
        if table not in self._table_schemas:
            try:  # the deployment set the table up: one commit, no catalog look-ups first
                iceberg_append.append_rows(self.spark, self.identifier(table), columns, values, properties)
                return
            except iceberg_append.NotReady:  # missing table or columns (found before writing anything)
                pass
        self._ensure_table(table)
        iceberg_append.append_rows(self.spark, self.identifier(table), columns, values, properties)

    def _staged(self, table: str, rows: list[dict]) -> iceberg_append.Staged | None:
        """The rows' data file written, uncommitted; None when they go the ordinary way (too many
        rows for the Java API, or the table is not set up for them yet)."""
        values = evidence_values(table, rows)
        if not values or len(values) > JAVA_ROWS_LIMIT:
            return None
        columns = evidence_schema.evidence_table(table).column_names
        try:
            return iceberg_append.stage_rows(self.spark, self.identifier(table), columns, values)
        except iceberg_append.NotReady:
            return None

    def append_each(
        self,
        batches: list[tuple],
        last: tuple | None = None,
        before_last: Callable[[], None] | None = None,
    ) -> None:
        """Append rows to several *different* tables, the commits running side by side.

        Each table is its own Iceberg commit, so nothing orders them; in parallel they cost about one
        commit instead of one per table. Every batch is attempted; the first failure is re-raised.
        A batch is ``(table, rows)`` or ``(table, rows, snapshot properties)``.

        ``last`` (a batch of another table) commits only once every batch has, after ``before_last()``;
        its data file is written alongside theirs, so only its commit is left for the second round.
        When a batch fails, ``last`` is not committed (its file is deleted).
        """
        tables = [batch[0] for batch in batches] + ([last[0]] if last is not None else [])
        if len(set(tables)) != len(tables):
            raise ValueError(f"append_each needs distinct tables, got {tables}")
        jobs = [lambda batch=batch: self.append(*batch) for batch in batches]
        if last is not None:
            jobs.append(lambda: self._staged(last[0], last[1]))
        results = _side_by_side(jobs)
        staged = results[-1][0] if last is not None else None
        errors = [error for _, error in results if error is not None]
        try:
            if errors:
                raise errors[0]
            if last is None:
                return
            if before_last is not None:
                before_last()
        except BaseException:
            if staged is not None:
                staged.discard()
            raise
        if staged is not None:
            staged.commit(last[2] if len(last) > 2 else None)
        else:
            self.append(*last)

    def append_df(self, table: str, df) -> None:
        """Append a DataFrame whose columns are a subset of the table's (cast to the evidence types)."""
        self._write(table, self.typed(table, df))

    def typed(self, table: str, df):
        from pyspark.sql import functions as F

        definition = evidence_schema.evidence_table(table)
        unknown = sorted(set(df.columns) - set(definition.column_names))
        if unknown:
            raise ValueError(f"{table}: unknown evidence column(s) {unknown}")
        present = set(df.columns)
        columns = []
        for column in definition.columns:
            value = F.col(f"`{column.name}`") if column.name in present else F.lit(None)
            if column.name == "ctrl_schema_version" and column.name not in present:
                value = F.lit(evidence_schema.CTRL_SCHEMA_VERSION)
            columns.append(value.cast(_spark_sql_type(column.type)).alias(column.name))
        return df.select(*columns)

    def read(self, table: str):
        """The evidence table as a DataFrame (created first when missing, so readers never fail).

        Refreshed first: lock, idempotency and state decisions must see rows other jobs appended
        moments ago, and Iceberg's catalog cache (on by default in Glue) would hide them for ~30 s.
        """
        try:
            self.spark.sql(f"REFRESH TABLE {self.identifier(table)}")
            return self.spark.table(self.identifier(table))
        except Exception:  # noqa: BLE001 - not set up yet (or not by this runtime): ensure, retry
            self._ensure_table(table)
            self.spark.sql(f"REFRESH TABLE {self.identifier(table)}")
            return self.spark.table(self.identifier(table))

    def snapshot_property(self, table: str, key: str, family: str, max_commits: int = 500) -> str | None:
        """The value of ``key`` in the newest commit of ``table`` that carries it, read from the table
        metadata (no Spark job). None — the caller then reads the rows — when the table is missing,
        the history was expired, a newer commit is an append without a ``family`` key (another
        runtime's) or deleted rows, or within ``max_commits`` none carries it."""
        try:
            loaded = iceberg_java.load_table(self.spark, self.identifier(table))
        except Exception:  # noqa: BLE001 - missing table: the caller's read sets it up
            return None
        for snapshot in iceberg_java.history(self.spark, loaded, max_commits):
            summary, operation = snapshot["summary"], snapshot["operation"]
            if operation == "append" and key in summary:
                return summary[key]
            tagged = operation == "append" and any(k.startswith(family) for k in summary)
            if not tagged and operation != "replace":  # compaction ("replace") changes no row
                return None  # another writer's append, or rows deleted: only the rows can tell
        return None

    def _write(self, table: str, df, properties: dict[str, str] | None = None) -> None:
        from pyspark.errors import AnalysisException

        if table not in self._table_schemas:
            try:  # the deployment set the table up: one commit, no catalog look-ups first
                retry_when_busy(lambda: _writer(df, self.identifier(table), properties).append())
                return
            except AnalysisException:  # missing table or columns (refused before any commit)
                pass
        self._write_ensured(table, df, properties)

    def _write_ensured(self, table: str, df, properties: dict[str, str] | None = None) -> None:
        from pyspark.sql import functions as F

        actual = self._ensure_table(table)
        # A newer runtime may have added columns we do not know: write them as NULL of their type.
        ours = set(df.columns)
        extra = [f for f in actual.fields if f.name not in ours]
        if extra:
            df = df.select("*", *[F.lit(None).cast(f.dataType).alias(f.name) for f in extra])
        # A busy catalog refused the commit (nothing was written): the same append is tried again.
        retry_when_busy(lambda: _writer(df, self.identifier(table), properties).append())


def _writer(df, identifier: str, properties: dict[str, str] | None):
    # A handful of rows for one partition: written as they are, without the hash-distribution shuffle
    # Iceberg plans for partitioned tables by default (a second stage per append).
    writer = df.writeTo(identifier).option("distribution-mode", "none")
    for key, value in (properties or {}).items():
        writer = writer.option(f"snapshot-property.{key}", value)  # kept in the snapshot summary
    return writer


def _side_by_side(jobs: list[Callable[[], Any]]) -> list[tuple[Any, BaseException | None]]:
    """(result, error) of each job, run in threads when there are several (Spark's local properties,
    e.g. a pack's scheduler pool, go with them)."""
    if len(jobs) <= 1:
        outcomes = []
        for job in jobs:
            try:
                outcomes.append((job(), None))
            except Exception as error:  # noqa: BLE001 - handed back to the caller
                outcomes.append((None, error))
        return outcomes
    from concurrent.futures import ThreadPoolExecutor

    from pyspark import inheritable_thread_target

    with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="cf-evidence") as pool:
        futures = [pool.submit(inheritable_thread_target(job)) for job in jobs]
    return [
        (None, future.exception()) if future.exception() is not None else (future.result(), None)
        for future in futures
    ]


def _spark_sql_type(sql_type: str) -> str:
    return {"BIGINT": "bigint", "DOUBLE": "double"}.get(sql_type, sql_type.lower())
