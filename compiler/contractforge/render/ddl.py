"""DDL review artifacts: the evidence database (both dialects) and each step's target.

Evidence columns come from ``contractforge_runtime.evidence.schema`` (the single source of
truth). A target table's columns are only known at run time (the prepared DataFrame's schema),
so its DDL is the namespace plus the table definition as a comment — unless the run plan
declares ``target.columns`` ([{name, type}]), in which case a real CREATE TABLE is rendered.
"""

from __future__ import annotations

from typing import Any

from contractforge_runtime.evidence import schema as evidence_schema
from contractforge_runtime.write.control_columns import (
    CURRENT_VIEW_SUFFIX,
    HISTORICAL,
    IS_CURRENT,
    control_columns,
)

SPARK_CATALOG = "glue_catalog"


def evidence_spark_ddl(database: str, table_prefix: str | None = None) -> str:
    return evidence_schema.spark_ddl_script(database, SPARK_CATALOG, table_prefix=table_prefix)


def evidence_athena_ddl(database: str, location: str, table_prefix: str | None = None) -> str:
    statements = evidence_schema.athena_ddl_statements(database, location, table_prefix=table_prefix)
    return "".join(statement + ";\n\n" for statement in statements).rstrip("\n") + "\n"


def target_spark_ddl(run_plan: dict[str, Any]) -> str:
    target = run_plan["target"]
    database, table = target["database"], _table(target)
    lines = [
        f"-- target of step {run_plan['step']['name']} (write mode {run_plan['write']['mode']})",
        f"CREATE NAMESPACE IF NOT EXISTS {SPARK_CATALOG}.`{database}` LOCATION '{_sql(target['location'])}';",
        "",
    ]
    mode = run_plan["write"]["mode"]
    name = f"{SPARK_CATALOG}.`{database}`.`{table}`"
    body = f"CREATE TABLE IF NOT EXISTS {name} ({_columns(target, '`', mode)}) USING iceberg"
    if target.get("partition_by"):
        body += " PARTITIONED BY (" + ", ".join(f"`{c}`" for c in target["partition_by"]) + ")"
    if target.get("table_properties"):
        body += " TBLPROPERTIES (" + _properties(target["table_properties"]) + ")"
    view = f"{SPARK_CATALOG}.`{database}`.`{table}{CURRENT_VIEW_SUFFIX}`"
    return "\n".join(lines + _statement_or_comment(target, body) + _current_view(mode, view, name)) + "\n"


def target_athena_ddl(run_plan: dict[str, Any]) -> str:
    target = run_plan["target"]
    database, table = target["database"], _table(target)
    location = target["location"].rstrip("/") + f"/{table}/"
    lines = [
        f"-- target of step {run_plan['step']['name']} (write mode {run_plan['write']['mode']})",
        f"CREATE DATABASE IF NOT EXISTS {database} LOCATION '{_sql(target['location'])}';",
        "",
    ]
    mode = run_plan["write"]["mode"]
    body = f"CREATE TABLE IF NOT EXISTS {database}.{table} ({_columns(target, '', mode)})"
    if target.get("partition_by"):
        body += " PARTITIONED BY (" + ", ".join(target["partition_by"]) + ")"
    properties = {"table_type": "ICEBERG", "format": "parquet", **(target.get("table_properties") or {})}
    body += f" LOCATION '{_sql(location)}' TBLPROPERTIES (" + _properties(properties) + ")"
    view = f"{database}.{table}{CURRENT_VIEW_SUFFIX}"
    return (
        "\n".join(
            lines + _statement_or_comment(target, body) + _current_view(mode, view, f"{database}.{table}")
        )
        + "\n"
    )


def _current_view(mode: str, view: str, table: str) -> list[str]:
    """historical targets: a view of the current versions (``SELECT *`` is expanded when the view is
    created: create it again after the table gains a column)."""
    if mode != HISTORICAL:
        return []
    return [
        "",
        "-- The current version of every key (apply after the first run has created the table):",
        f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM {table} WHERE {IS_CURRENT} = true;",
    ]


def _statement_or_comment(target: dict[str, Any], body: str) -> list[str]:
    if target.get("columns"):
        return [body + ";"]
    return [
        "-- The runtime creates the table on the first write from the prepared data's schema:",
        "-- " + body.replace("\n", " ") + ";",
    ]


def _table(target: dict[str, Any]) -> str:
    return target["identifier"].rsplit(".", 1)[-1]


def _columns(target: dict[str, Any], quote: str, mode: str) -> str:
    """The declared columns (else a placeholder), then the control columns the write mode adds."""
    columns = [(c["name"], c["type"]) for c in target.get("columns") or []]
    declared = {name for name, _ in columns}
    columns += [(name, kind) for name, kind in control_columns(mode) if name not in declared]
    rendered = ", ".join(f"{quote}{name}{quote} {kind}" for name, kind in columns)
    if not target.get("columns"):
        return "<columns of the prepared data>" + (", " + rendered if rendered else "")
    return rendered


def _properties(properties: dict[str, Any]) -> str:
    return ", ".join(f"'{_sql(str(k))}'='{_sql(str(v))}'" for k, v in sorted(properties.items()))


def _sql(text: str) -> str:
    return text.replace("'", "''")
