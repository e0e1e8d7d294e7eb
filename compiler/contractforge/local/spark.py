"""The embedded local Spark session: Spark 3.5 + Iceberg 1.10 with a file-backed ``glue_catalog``.

Run plans name tables ``glue_catalog.<database>.<table>`` in Glue and locally, so the local session
registers an Iceberg catalog under that same name, backed by a JDBC catalog on SQLite when the
Debian sqlite driver is installed (catalog semantics closest to Glue's), else a Hadoop catalog.
Settings: docs/local-run.md#the-local-stack; see the comments for the less obvious ones.
"""

from __future__ import annotations

from pathlib import Path

from contractforge.local.jackson_shim import ensure_jackson_shim

CATALOG = "glue_catalog"
SQLITE_JAR = Path("/usr/share/java/xerial-sqlite-jdbc.jar")
POSTGRES_JAR = Path("/usr/share/java/postgresql.jar")
ICEBERG_RUNTIME_JAR = "iceberg-spark-runtime-3.5_2.12-1.10.2.jar"


def iceberg_runtime_jar() -> Path:
    import snowpark_connect_deps_iceberg

    jar = Path(snowpark_connect_deps_iceberg.get_jars_dir()) / ICEBERG_RUNTIME_JAR
    if not jar.is_file():
        raise FileNotFoundError(f"{jar} is missing; reinstall snowpark-connect-deps-iceberg==1.0.3")
    return jar


def local_jars() -> list[str]:
    """Iceberg runtime, the Jackson shim, and the JDBC drivers present on this machine."""
    jars = [iceberg_runtime_jar(), ensure_jackson_shim()]
    jars += [j for j in (SQLITE_JAR, POSTGRES_JAR) if j.is_file()]
    return [str(j) for j in jars]


def local_spark_conf(
    warehouse_dir: str | Path,
    catalog_db_path: str | Path | None = None,
    driver_memory: str = "2g",
    shuffle_partitions: int = 4,
    use_jdbc_catalog: bool | None = None,
) -> dict[str, str]:
    """The session settings as a plain dict (used by get_local_spark; handy for spark-submit too)."""
    warehouse = Path(warehouse_dir).resolve()
    warehouse.mkdir(parents=True, exist_ok=True)
    if use_jdbc_catalog is None:
        use_jdbc_catalog = SQLITE_JAR.is_file()
    prefix = f"spark.sql.catalog.{CATALOG}"
    conf = {
        "spark.jars": ",".join(local_jars()),
        "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        prefix: "org.apache.iceberg.spark.SparkCatalog",
        f"{prefix}.warehouse": warehouse.as_uri(),
        # Streaming foreachBatch runs in a cloned session; a cached catalog there and here would
        # show stale table state (docs/local-run.md#the-local-stack).
        f"{prefix}.cache-enabled": "false",
        "spark.sql.shuffle.partitions": str(shuffle_partitions),
        "spark.default.parallelism": str(shuffle_partitions),
        # Without this, INSERT OVERWRITE with no PARTITION clause replaces the whole table.
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": driver_memory,
        "spark.sql.session.timeZone": "UTC",
        # Hadoop's local file system (no native Hadoop library here) runs `chmod` in a child process
        # for every file it creates and for its .crc side file: 8 processes per Iceberg commit (data
        # file, manifest, manifest list, metadata JSON). VFORK starts them without the jspawnhelper
        # exec (JDK 8-21): one 1-row Iceberg append 168 -> 123 ms (median, loaded 2-core machine).
        "spark.driver.extraJavaOptions": "-Duser.timezone=UTC -Djdk.lang.Process.launchMechanism=VFORK",
        "spark.sql.warehouse.dir": str(warehouse / "_spark_sql"),
    }
    if use_jdbc_catalog:
        db_path = Path(catalog_db_path) if catalog_db_path else warehouse / "iceberg_catalog.sqlite"
        db_path.parent.mkdir(parents=True, exist_ok=True)
        conf[f"{prefix}.type"] = "jdbc"
        conf[f"{prefix}.uri"] = f"jdbc:sqlite:{db_path.resolve()}"
        # foreachBatch writes through a cloned session with its own catalog connection pool; in
        # SQLite's default rollback journal the two pools lock each other out (SQLITE_BUSY). WAL
        # lets readers and the single writer coexist.
        conf[f"{prefix}.jdbc.journal_mode"] = "WAL"
        # A commit that finds the database locked waits (up to 30 s) instead of failing SQLITE_BUSY at
        # once; evidence appends also retry a busy catalog (environment.root_cause.retry_when_busy).
        conf[f"{prefix}.jdbc.busy_timeout"] = "30000"
        # Iceberg 1.10's catalog start-up checks for its own tables through DatabaseMetaData and never
        # closes that cursor: the pooled connection then keeps a WAL read snapshot from start-up for
        # good, and its later commits fail SQLITE_BUSY_SNAPSHOT (retries too) as soon as any other
        # connection (a second session, thread or process) has written. The tables are created here
        # instead, so that check never runs.
        prepare_sqlite_catalog(db_path)
        conf[f"{prefix}.jdbc.init-catalog-tables"] = "false"
    else:
        conf[f"{prefix}.type"] = "hadoop"
    return conf


# Iceberg's JdbcCatalog schema (V0: tables only, no views), as its own start-up would create it.
_CATALOG_TABLES = (
    "CREATE TABLE IF NOT EXISTS iceberg_tables(catalog_name VARCHAR(255) NOT NULL,"
    "table_namespace VARCHAR(255) NOT NULL,table_name VARCHAR(255) NOT NULL,"
    "metadata_location VARCHAR(1000),previous_metadata_location VARCHAR(1000),"
    "PRIMARY KEY (catalog_name, table_namespace, table_name))",
    "CREATE TABLE IF NOT EXISTS iceberg_namespace_properties(catalog_name VARCHAR(255) NOT NULL,"
    "namespace VARCHAR(255) NOT NULL,property_key VARCHAR(255),property_value VARCHAR(1000),"
    "PRIMARY KEY (catalog_name, namespace, property_key))",
)


def prepare_sqlite_catalog(db_path: str | Path) -> None:
    """Create the Iceberg JDBC catalog tables in ``db_path`` (idempotent; safe while another process
    uses the file) and switch the file to WAL, so readers and the one writer do not block each other."""
    import sqlite3

    db = sqlite3.connect(str(db_path), timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        for ddl in _CATALOG_TABLES:
            db.execute(ddl)
    finally:
        db.close()


def get_local_spark(
    warehouse_dir: str | Path = ".contractforge/warehouse",
    catalog_db_path: str | Path | None = None,
    driver_memory: str = "2g",
    shuffle_partitions: int = 4,
    use_jdbc_catalog: bool | None = None,
    app_name: str = "contractforge-local",
    extra_conf: dict[str, str] | None = None,
):
    """A local[2] SparkSession with Iceberg and the ``glue_catalog`` catalog.

    JVM-level settings (jars, driver memory) only apply to the first session of a process; when a
    session with a different warehouse is already active, it is an error rather than a silent mix-up.
    """
    import os

    from pyspark.sql import SparkSession

    # local[2] never leaves the machine: bind to loopback (also silences Spark's hostname warning).
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    conf = local_spark_conf(
        warehouse_dir, catalog_db_path, driver_memory, shuffle_partitions, use_jdbc_catalog
    )
    conf.update(extra_conf or {})
    active = SparkSession.getActiveSession()
    if active is not None:
        key = f"spark.sql.catalog.{CATALOG}.warehouse"
        current = active.conf.get(key, None)
        if current != conf[key]:
            raise RuntimeError(
                f"a Spark session is already active with {key}={current!r}; stop it before asking for "
                f"a session on {conf[key]!r}"
            )
        return active
    builder = SparkSession.builder.master("local[2]").appName(app_name)
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
