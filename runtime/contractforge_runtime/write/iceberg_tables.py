"""Small Iceberg table helpers: existence, current snapshot, creation with the plan's layout.

Default write mode (applied only when the plan's table_properties do not say otherwise):
**merge-on-read** for MERGE/UPDATE/DELETE. Hash-diff and upsert runs usually change a small share
of a table; copy-on-write rewrites every data file a changed row lives in (docs/writes.md, measured
locally: a 100k-row
MERGE into 1M rows took 6.0–9.7 s and rewrote all 1M rows with copy-on-write, 1.9–2.3 s and 100k
position deletes with merge-on-read; bench/bench_hash_diff.py measures it again). The price is
read-time delete application, bounded by periodic compaction (rewrite_data_files / rewrite_position_delete_files).
"""

from __future__ import annotations

import re

from contractforge_runtime.environment import iceberg_java
from contractforge_runtime.environment.root_cause import already_exists, retry_when_busy

DEFAULT_TABLE_PROPERTIES = {
    "format-version": "2",
    "write.merge.mode": "merge-on-read",
    "write.update.mode": "merge-on-read",
    "write.delete.mode": "merge-on-read",
}
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def quote_identifier(identifier: str) -> str:
    """glue_catalog.db.t → glue_catalog.`db`.`t` (catalog name stays bare)."""
    parts = identifier.split(".")
    return ".".join([parts[0]] + [f"`{p.strip('`')}`" for p in parts[1:]])


def table_exists(spark, identifier: str) -> bool:
    try:
        return bool(spark.catalog.tableExists(identifier))
    except Exception:  # noqa: BLE001 - a missing namespace raises in some catalogs
        return False


def current_snapshot(spark, identifier: str) -> dict | None:
    """{"snapshot_id": str, "operation": str, "summary": dict} of the main branch head, or None.

    Read from the table metadata through Iceberg's Java API (milliseconds); the metadata-table SQL
    query it falls back to runs a Spark job (a few hundred ms, seconds when cold).
    """
    try:
        snapshot = iceberg_java.snapshot_info(
            spark, iceberg_java.load_table(spark, identifier).currentSnapshot()
        )
    except Exception:  # noqa: BLE001 - e.g. a session without py4j access: use SQL
        return _current_snapshot_sql(spark, identifier)
    if snapshot is None:
        return None
    return {key: snapshot[key] for key in ("snapshot_id", "operation", "summary")}


def merge_on_read(spark, identifier: str) -> bool:
    """True when the table's MERGE writes position deletes (``write.merge.mode`` merge-on-read).

    Iceberg's own default, when the property is unset, is copy-on-write. Read through the Java API
    (no Spark job); a table that cannot be loaded counts as copy-on-write (the exact path).
    """
    try:
        table = iceberg_java.load_table(spark, identifier)
        return str(table.properties().get("write.merge.mode")) == "merge-on-read"
    except Exception:  # noqa: BLE001 - missing table / no py4j: take the path that is always right
        return False


def _current_snapshot_sql(spark, identifier: str) -> dict | None:
    table = quote_identifier(identifier)
    rows = spark.sql(
        f"SELECT s.snapshot_id, s.operation, s.summary FROM {table}.snapshots s "
        f"JOIN {table}.refs r ON s.snapshot_id = r.snapshot_id WHERE r.name = 'main'"
    ).collect()
    if not rows:
        return None
    row = rows[0]
    return {
        "snapshot_id": str(row.snapshot_id),
        "operation": row.operation,
        "summary": dict(row.summary or {}),
    }


def ensure_namespace(spark, identifier: str, location: str | None = None) -> None:
    catalog, database = identifier.split(".")[:2]
    ddl = f"CREATE NAMESPACE IF NOT EXISTS {catalog}.`{database}`"
    if location:
        try:
            spark.sql(ddl + f" LOCATION '{location}'")
            return
        except Exception:  # noqa: BLE001 - the Hadoop catalog refuses namespace properties
            pass
    try:
        retry_when_busy(lambda: spark.sql(ddl))
    except Exception as error:  # noqa: BLE001 - IF NOT EXISTS still loses a race with a concurrent CREATE
        if not already_exists(error):
            raise


def _partition_expression(item: str) -> str:
    return f"`{item}`" if _PLAIN_NAME.match(item) else item  # transforms such as days(ts) stay as written


def table_properties(target: dict) -> dict[str, str]:
    properties = dict(DEFAULT_TABLE_PROPERTIES)
    properties.update({k: str(v) for k, v in (target.get("table_properties") or {}).items()})
    return properties


def create_table(spark, identifier: str, schema, target: dict) -> None:
    """CREATE TABLE from a StructType; every column nullable (later batches may carry NULLs)."""
    jvm_types = spark.sparkContext._jvm.org.apache.spark.sql.types.DataType
    columns = []
    for field in schema.fields:
        sql_type = jvm_types.fromJson(field.dataType.json()).sql()
        columns.append(f"`{field.name}` {sql_type}")
    ddl = f"CREATE TABLE IF NOT EXISTS {quote_identifier(identifier)} ({', '.join(columns)}) USING iceberg"
    partitions = target.get("partition_by") or []
    if partitions:
        ddl += " PARTITIONED BY (" + ", ".join(_partition_expression(p) for p in partitions) + ")"
    properties = table_properties(target)
    ddl += (
        " TBLPROPERTIES (" + ", ".join(f"'{k}'='{_sql_text(v)}'" for k, v in sorted(properties.items())) + ")"
    )
    spark.sql(ddl)


def _sql_text(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace("'", "\\'")
