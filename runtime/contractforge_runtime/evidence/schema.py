"""Column definitions of every ``ctrl_ingestion_*`` evidence table: the single source of truth.

docs/evidence-and-reliability.md gives the tables, column order, types, NOT NULL columns and identity
partitions; we add ``ctrl_ingestion_files`` (the local processed-files ledger used by
``incremental_files`` sources). Types are plain SQL strings so the compiler's DDL renderers and
the ops package can import this module without pyspark; ``spark_schema()`` imports pyspark lazily.

Upgrades only ever ADD columns (``EvidenceStore.ensure`` adds what an old table lacks).

The operations guide's engine-specific names are kept beside ours, appended at the end of their
tables and holding what they mean on AWS: ``delta_version_before/after`` and ``last_delta_version``
the Iceberg snapshot ids (same values as ``table_version_*`` / ``last_table_version``),
``spark_version`` Spark's version (``engine_version`` = ``spark <version>``), ``notebook_name`` the
Glue job that ran (the caller).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Version of this column layout, written into every table that has a ctrl_schema_version column.
CTRL_SCHEMA_VERSION = 1

# The only SQL types evidence uses (docs/evidence-and-reliability.md).
EVIDENCE_TYPES = ("STRING", "TIMESTAMP", "DATE", "BOOLEAN", "BIGINT", "DOUBLE")

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Athena's DDL reserved keywords (docs: "Escape reserved keywords in queries"); evidence uses
# ``trigger`` (ctrl_ingestion_streams), which Athena refuses unquoted in CREATE/ALTER TABLE.
ATHENA_DDL_RESERVED = frozenset(
    """ALL ALTER AND ARRAY AS AUTHORIZATION BETWEEN BIGINT BINARY BOOLEAN BOTH BY CASE CASHE CAST CHAR
    COLUMN CONF CONSTRAINT COMMIT CREATE CROSS CUBE CURRENT CURRENT_DATE CURRENT_TIMESTAMP CURSOR
    DATABASE DATE DAYOFWEEK DECIMAL DELETE DESCRIBE DISTINCT DIV DOUBLE DROP ELSE END EXCHANGE EXISTS
    EXTENDED EXTERNAL EXTRACT FALSE FETCH FLOAT FLOOR FOLLOWING FOR FOREIGN FROM FULL FUNCTION GRANT
    GROUP GROUPING HAVING IF IMPORT IN INNER INSERT INT INTEGER INTERSECT INTERVAL INTO IS JOIN LATERAL
    LEFT LESS LIKE LOCAL MACRO MAP MORE NONE NOT NULL NUMERIC OF ON ONLY OR ORDER OUT OUTER OVER
    PARTIALSCAN PARTITION PERCENT PRECEDING PRECISION PRESERVE PRIMARY PROCEDURE RANGE READS REDUCE
    REGEXP REFERENCES REVOKE RIGHT RLIKE ROLLBACK ROLLUP ROW ROWS SELECT SET SMALLINT START TABLE
    TABLESAMPLE THEN TIME TIMESTAMP TO TRANSFORM TRIGGER TRUE TRUNCATE UNBOUNDED UNION UNIQUEJOIN
    UPDATE USER USING UTC_TMESTAMP VALUES VARCHAR VIEWS WHEN WHERE WINDOW WITH""".split()
)


@dataclass(frozen=True)
class EvidenceColumn:
    name: str
    type: str = "STRING"
    nullable: bool = True


@dataclass(frozen=True)
class EvidenceTable:
    name: str
    columns: tuple[EvidenceColumn, ...]
    partition_by: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> EvidenceColumn:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")


def _table(name: str, spec: str, partition_by: tuple[str, ...] = ()) -> EvidenceTable:
    """Parse a compact ``"col TYPE, col, col TYPE NOT NULL"`` spec (STRING when no type)."""
    columns = []
    for item in spec.split(","):
        words = item.split()
        nullable = not (len(words) >= 3 and words[-2:] == ["NOT", "NULL"])
        if not nullable:
            words = words[:-2]
        column_type = words[1] if len(words) > 1 else "STRING"
        if column_type not in EVIDENCE_TYPES or len(words) > 2:
            raise ValueError(f"bad evidence column spec {item!r} in {name}")
        columns.append(EvidenceColumn(words[0], column_type, nullable))
    table = EvidenceTable(name, tuple(columns), partition_by)
    for partition in partition_by:
        table.column(partition)
    if len(set(table.column_names)) != len(columns):
        raise ValueError(f"duplicate column in {name}")
    return table


_SPECS: tuple[EvidenceTable, ...] = (
    _table(
        "ctrl_ingestion_runs",
        "run_id, run_ts_utc TIMESTAMP, run_date DATE, runtime_entrypoint, layer, source_table, source_type,"
        " source_connector, source_name, source_system, source_provider, source_format, source_path,"
        " source_options_json, source_read_json, source_request_json, source_auth_json,"
        " source_pagination_json, source_response_json, source_incremental_json, source_limits_json,"
        " source_capabilities_json, source_metrics_json, target_table, mode, write_engine_requested,"
        " write_engine_selected, write_engine_status, write_engine_reason, write_engine_fallback_policy,"
        " status, rows_read BIGINT, rows_written BIGINT, rows_inserted BIGINT, rows_updated BIGINT,"
        " rows_deleted BIGINT, rows_expired BIGINT, rows_quarantined BIGINT, watermark_column,"
        " watermark_previous, watermark_current, started_at_utc TIMESTAMP, finished_at_utc TIMESTAMP,"
        " duration_seconds DOUBLE, quality_status, schema_policy, schema_changes_json, stage_durations_json,"
        " contract_description, contract_owner, contract_domain, contract_tags_json, contract_sla,"
        " runtime_parameters_json, operation_metrics_json, write_started_at_utc TIMESTAMP,"
        " write_finished_at_utc TIMESTAMP, table_version_before, table_version_after,"
        " write_committed BOOLEAN, error_message, parent_run_id, run_group_id, master_job_id,"
        " master_run_id, idempotency_key, idempotency_policy, skip_reason, skipped_by_run_id,"
        " metrics_source, framework_version, ctrl_schema_version BIGINT, runtime_type, engine_version,"
        " python_version, annotations_status, annotations_result_json, ownership_json, operations_json,"
        " metrics_json, notebook_name, delta_version_before, delta_version_after, spark_version",
        ("run_date",),
    ),
    _table(
        "ctrl_ingestion_errors",
        "run_id, error_ts_utc TIMESTAMP, error_date DATE, target_table, source_table, mode, status,"
        " error_type, error_class, error_message, stack_trace, occurred_at_utc TIMESTAMP,"
        " framework_version, ctrl_schema_version BIGINT, runtime_type, engine_version, python_version,"
        " spark_version",
        ("error_date",),
    ),
    _table(
        "ctrl_ingestion_quality",
        "run_id, target_table, rule_name, status, severity, failed_count BIGINT, observed_value,"
        " checked_at_utc TIMESTAMP, message, details_json",
    ),
    _table(
        "ctrl_ingestion_quarantine",
        "run_id, target_table, rule_name, error_reason, record_payload, record_ref, reason,"
        " quarantined_at_utc TIMESTAMP",
    ),
    _table(
        "ctrl_ingestion_schema_changes",
        "run_id, change_ts_utc TIMESTAMP, target_table, change_type, column_name, source_type, target_type,"
        " applied BOOLEAN, details_json, payload_json, changed_at_utc TIMESTAMP, framework_version,"
        " ctrl_schema_version BIGINT",
    ),
    _table(
        "ctrl_ingestion_lineage",
        "run_id, event_time_utc TIMESTAMP, event_type, target_table, source_table, source_name, namespace,"
        " producer, event_json",
    ),
    _table(
        "ctrl_ingestion_explain",
        "run_id, target_table, source_table, mode, explain_format, plan_text, captured_at_utc TIMESTAMP",
    ),
    _table(
        "ctrl_ingestion_metadata",
        "component, framework_version, ctrl_schema_version BIGINT, updated_at_utc TIMESTAMP, run_id,"
        " target_table, source_metadata_json, captured_at_utc TIMESTAMP",
    ),
    _table(
        "ctrl_ingestion_streams",
        "stream_run_id, run_id, idempotency_key, idempotency_policy, skip_reason, skipped_by_stream_run_id,"
        " target_table, target_catalog, target_layer, runtime_entrypoint, source_type, source_path, trigger,"
        " checkpoint_location, status, started_at_utc TIMESTAMP, ended_at_utc TIMESTAMP,"
        " duration_seconds DOUBLE, batches_processed BIGINT, total_rows_read BIGINT,"
        " total_rows_written BIGINT, total_rows_quarantined BIGINT, batch_id, batch_metrics_json,"
        " captured_at_utc TIMESTAMP, framework_version, ctrl_schema_version BIGINT, runtime_type,"
        " engine_version, python_version, error_message, master_job_id, master_run_id, parent_run_id,"
        " run_group_id, notebook_name, spark_version",
    ),
    _table(
        "ctrl_ingestion_annotations",
        "run_id, target_table, annotation_scope, annotation_type, column_name, key, previous_value, value,"
        " status, error_message, applied_sql, annotation_ts_utc TIMESTAMP, annotation_date DATE,"
        " framework_version, ctrl_schema_version BIGINT",
    ),
    _table(
        "ctrl_ingestion_access",
        "access_run_id, run_id, target_table, action, access_type, principal, privilege, column_name,"
        " function_name, object_name, status, error_message, applied_sql, previous_value, new_value, mode,"
        " drift_policy, revoke_unmanaged BOOLEAN, access_ts_utc TIMESTAMP, access_date DATE, payload_json,"
        " applied_at_utc TIMESTAMP, framework_version, ctrl_schema_version BIGINT",
    ),
    _table(
        "ctrl_ingestion_operations",
        "run_id, target_table, criticality, expected_frequency, freshness_sla_minutes BIGINT,"
        " alert_on_failure BOOLEAN, alert_on_quality_fail BOOLEAN, runbook_url, ownership_json,"
        " owners_json, groups_json, tags_json, status, recorded_at_utc TIMESTAMP, framework_version,"
        " ctrl_schema_version BIGINT",
    ),
    _table(
        "ctrl_ingestion_cost",
        "run_id, target_table, signal_name, signal_value DOUBLE, payload_json, captured_at_utc TIMESTAMP",
    ),
    _table(
        "ctrl_ingestion_state",
        "target_table STRING NOT NULL, watermark_column, watermark_value, last_success_at_utc TIMESTAMP,"
        " last_run_id, last_status, last_rows_written BIGINT, last_error_message, parent_run_id,"
        " run_group_id, master_job_id, master_run_id, last_table_version,"
        " last_write_completed_at_utc TIMESTAMP, last_watermark_candidate, last_updated_at_utc TIMESTAMP,"
        " input_snapshots_json, last_delta_version",
    ),
    _table(
        "ctrl_ingestion_locks",
        "target_table STRING NOT NULL, run_id, owner, acquired_at_utc TIMESTAMP, expires_at_utc TIMESTAMP,"
        " ttl_minutes BIGINT, released_at_utc TIMESTAMP, status, holder, released_by, reason",
    ),
    # Ours (not in the reference): files already ingested by an incremental_files source when no
    # Glue job bookmark is available (local runs, bookmarks disabled).
    _table(
        "ctrl_ingestion_files",
        "target_table STRING NOT NULL, file_path STRING NOT NULL, file_size BIGINT,"
        " file_modified_at TIMESTAMP, run_id, processed_at_utc TIMESTAMP",
    ),
    _table(
        "ctrl_ingestion_deployment_versions",
        "deployment_id STRING NOT NULL, deployment_step_id STRING NOT NULL, deployment_hash STRING NOT NULL,"
        " deployment_ts_utc TIMESTAMP, deployment_date DATE, deployment_status, adapter, platform,"
        " subtarget, project_name, project_path, environment_key, environment_path, contract_name,"
        " contract_path, contract_layer, target_table, mode, action, artifact_kind, artifact_name,"
        " artifact_id, artifact_uri, definition_hash, previous_definition_hash, contract_hash,"
        " environment_hash, manifest_hash, package_versions_json, git_commit, deployed_by,"
        " deployment_config_json, deployment_result_json, created_at_utc TIMESTAMP, framework_version,"
        " ctrl_schema_version BIGINT",
        ("deployment_date",),
    ),
)

# The operations guide's names appended to the reference layout (see the module docstring).
GUIDE_COLUMNS: dict[str, tuple[str, ...]] = {
    "ctrl_ingestion_runs": ("notebook_name", "delta_version_before", "delta_version_after", "spark_version"),
    "ctrl_ingestion_errors": ("spark_version",),
    "ctrl_ingestion_streams": ("notebook_name", "spark_version"),
    "ctrl_ingestion_state": ("last_delta_version",),
}

# name → table, in a stable order (the order DDL files list them in).
EVIDENCE_TABLES: dict[str, EvidenceTable] = {table.name: table for table in _SPECS}

# Names as constants so callers do not repeat string literals.
RUNS = "ctrl_ingestion_runs"
ERRORS = "ctrl_ingestion_errors"
QUALITY = "ctrl_ingestion_quality"
QUARANTINE = "ctrl_ingestion_quarantine"
SCHEMA_CHANGES = "ctrl_ingestion_schema_changes"
LINEAGE = "ctrl_ingestion_lineage"
EXPLAIN = "ctrl_ingestion_explain"
METADATA = "ctrl_ingestion_metadata"
STREAMS = "ctrl_ingestion_streams"
ANNOTATIONS = "ctrl_ingestion_annotations"
ACCESS = "ctrl_ingestion_access"
OPERATIONS = "ctrl_ingestion_operations"
COST = "ctrl_ingestion_cost"
STATE = "ctrl_ingestion_state"
LOCKS = "ctrl_ingestion_locks"
FILES = "ctrl_ingestion_files"
DEPLOYMENT_VERSIONS = "ctrl_ingestion_deployment_versions"


# Every evidence table is named <prefix><suffix>; ``evidence.table_prefix`` of the environment replaces
# this prefix (the operations guide's configurable table names), the suffixes stay.
DEFAULT_TABLE_PREFIX = "ctrl_ingestion_"


def physical_name(name: str, table_prefix: str | None = None) -> str:
    """The name the evidence table ``name`` (its default name) has under ``table_prefix``."""
    table = evidence_table(name)
    if not table_prefix or table_prefix == DEFAULT_TABLE_PREFIX:
        return table.name
    return check_identifier(table_prefix + table.name.removeprefix(DEFAULT_TABLE_PREFIX))


def rename_tables(sql: str, table_prefix: str | None) -> str:
    """``sql`` naming the evidence tables (and views) by their default names, with ``table_prefix``."""
    if not table_prefix or table_prefix == DEFAULT_TABLE_PREFIX:
        return sql
    return _DEFAULT_NAME.sub(check_identifier(table_prefix), sql)


_DEFAULT_NAME = re.compile(rf"\b{DEFAULT_TABLE_PREFIX}(?=[A-Za-z])")


def evidence_table(name: str) -> EvidenceTable:
    try:
        return EVIDENCE_TABLES[name]
    except KeyError:
        raise ValueError(f"unknown evidence table {name!r}; known: {', '.join(EVIDENCE_TABLES)}") from None


def check_identifier(name: str) -> str:
    """Database/table names go into DDL unquoted (Athena), so only plain identifiers are allowed."""
    if not _IDENTIFIER.match(name or ""):
        raise ValueError(f"invalid identifier {name!r}: must match [A-Za-z_][A-Za-z0-9_]*")
    return name


def athena_column(name: str) -> str:
    """A column name for Athena DDL: backquoted only when it is a DDL reserved keyword."""
    return f"`{name}`" if name.upper() in ATHENA_DDL_RESERVED else name


def _column_list(table: EvidenceTable, keep_not_null: bool) -> str:
    parts = []
    for column in table.columns:
        name = f"`{column.name}`" if keep_not_null else athena_column(column.name)
        text = f"{name} {column.type}"
        if keep_not_null and not column.nullable:
            text += " NOT NULL"
        parts.append(text)
    return ",\n  ".join(parts)


def spark_create_table_ddl(
    table_name: str, database: str, catalog: str = "glue_catalog", table_prefix: str | None = None
) -> str:
    """Spark/Iceberg dialect: no LOCATION (the namespace location applies), NOT NULL kept."""
    table = evidence_table(table_name)
    check_identifier(database)
    check_identifier(catalog)
    ddl = (
        f"CREATE TABLE IF NOT EXISTS {catalog}.`{database}`.`{physical_name(table_name, table_prefix)}` (\n  "
        f"{_column_list(table, keep_not_null=True)}\n) USING iceberg"
    )
    if table.partition_by:
        ddl += " PARTITIONED BY (" + ", ".join(f"`{c}`" for c in table.partition_by) + ")"
    return ddl


def spark_create_namespace_ddl(
    database: str, catalog: str = "glue_catalog", location: str | None = None
) -> str:
    check_identifier(database)
    check_identifier(catalog)
    ddl = f"CREATE NAMESPACE IF NOT EXISTS {catalog}.`{database}`"
    if location:
        ddl += f" LOCATION '{_sql_string(location)}'"
    return ddl


def athena_create_database_ddl(database: str) -> str:
    return f"CREATE DATABASE IF NOT EXISTS {check_identifier(database)}"


def athena_create_table_ddl(
    table_name: str, database: str, location: str, table_prefix: str | None = None
) -> str:
    """Athena dialect: explicit LOCATION ``<database location>/<table>/``, NOT NULL dropped."""
    table = evidence_table(table_name)
    name = physical_name(table_name, table_prefix)
    check_identifier(database)
    if not location:
        raise ValueError("Athena evidence DDL needs the database location (s3://…/<db>.db/)")
    table_location = location.rstrip("/") + f"/{name}/"
    ddl = f"CREATE TABLE IF NOT EXISTS {database}.{name} (\n  {_column_list(table, keep_not_null=False)}\n)"
    if table.partition_by:
        ddl += " PARTITIONED BY (" + ", ".join(table.partition_by) + ")"
    ddl += (
        f" LOCATION '{_sql_string(table_location)}' TBLPROPERTIES ('table_type'='ICEBERG','format'='parquet')"
    )
    return ddl


def spark_ddl_script(
    database: str,
    catalog: str = "glue_catalog",
    tables: tuple[str, ...] | None = None,
    table_prefix: str | None = None,
) -> str:
    """All CREATE statements for ``tables`` (default: every table), ``;``-terminated, one per block."""
    names = tables if tables is not None else tuple(EVIDENCE_TABLES)
    statements = [spark_create_namespace_ddl(database, catalog)]
    statements += [spark_create_table_ddl(name, database, catalog, table_prefix) for name in names]
    return "".join(statement + ";\n\n" for statement in statements).rstrip("\n") + "\n"


def athena_ddl_statements(
    database: str, location: str, tables: tuple[str, ...] | None = None, table_prefix: str | None = None
) -> list[str]:
    """Statements for ``ensure-evidence-tables``: the database, then each table (run one by one)."""
    names = tables if tables is not None else tuple(EVIDENCE_TABLES)
    return [athena_create_database_ddl(database)] + [
        athena_create_table_ddl(name, database, location, table_prefix) for name in names
    ]


def spark_schema(table_name: str):
    """The table as a pyspark StructType (pyspark imported here, not at module import)."""
    from pyspark.sql import types as T

    spark_types = {
        "STRING": T.StringType,
        "TIMESTAMP": T.TimestampType,
        "DATE": T.DateType,
        "BOOLEAN": T.BooleanType,
        "BIGINT": T.LongType,
        "DOUBLE": T.DoubleType,
    }
    table = evidence_table(table_name)
    return T.StructType(
        [T.StructField(column.name, spark_types[column.type](), column.nullable) for column in table.columns]
    )


def _sql_string(value: str) -> str:
    return value.replace("'", "''")
