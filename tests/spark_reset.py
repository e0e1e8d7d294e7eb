"""Start a test from empty Iceberg databases in the shared session's ``glue_catalog``.

``DROP NAMESPACE … CASCADE`` is not honoured by Iceberg's JDBC catalog (it raises
NamespaceNotEmptyException), so the tables are dropped one by one first.
"""

from __future__ import annotations


def drop_databases(spark, *databases: str) -> None:
    for database in sorted(set(databases)):
        namespace = f"glue_catalog.`{database}`"
        if not spark.sql(f"SHOW NAMESPACES IN glue_catalog LIKE '{database}'").collect():
            continue
        for row in spark.sql(f"SHOW TABLES IN {namespace}").collect():
            spark.sql(f"DROP TABLE IF EXISTS {namespace}.`{row.tableName}` PURGE")
        spark.sql(f"DROP NAMESPACE IF EXISTS {namespace}")
