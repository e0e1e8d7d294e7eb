"""Scheduled table maintenance on AWS: the ``table_maintenance`` module call of the Terraform root.

Opt-in per environment (``parameters.aws.maintenance``)::

    maintenance:
      schedule: "cron(0 3 ? * SUN *)"      # EventBridge Scheduler expression (required)
      timezone: Europe/Paris               # default UTC
      snapshot_retention_days: 5           # VACUUM expires older snapshots and orphan files
      workgroup: primary                   # Athena workgroup (default parameters.aws.athena.workgroup)

Every target table of the project and every evidence table get, in that order:
``ALTER TABLE … SET TBLPROPERTIES ('vacuum_max_snapshot_age_seconds'=…)`` (retention from the
environment), ``OPTIMIZE … REWRITE DATA USING BIN_PACK`` (small files and merge-on-read delete
files folded into the data files) and ``VACUUM`` (snapshot expiry, orphan file removal). A Step
Functions state machine runs them through ``athena:startQueryExecution.sync``: no Spark cluster.
Athena cannot rewrite only delete files, rewrite manifests, or remove orphan files on a retention of
their own; ``contractforge maintenance compact --local`` (Iceberg procedures) can.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from contractforge_runtime.evidence.schema import EVIDENCE_TABLES, physical_name

from contractforge.project_plan import ProjectPlan
from contractforge.render.iam import ACCOUNT_TOKEN

DEFAULT_RETENTION_DAYS = 5
SECONDS_PER_DAY = 86_400


def athena_compaction_statements(database: str, table: str) -> list[str]:
    name = f'"{database}".{table}'
    return [f"OPTIMIZE {name} REWRITE DATA USING BIN_PACK", f"VACUUM {name}"]


def athena_maintenance_statements(database: str, table: str, retention_days: int) -> list[str]:
    seconds = retention_days * SECONDS_PER_DAY
    retention = (
        f"ALTER TABLE {database}.{table} SET TBLPROPERTIES ('vacuum_max_snapshot_age_seconds'='{seconds}')"
    )
    return [retention, *athena_compaction_statements(database, table)]


def maintenance_settings(environment: dict[str, Any]) -> dict[str, Any] | None:
    aws = (environment.get("parameters") or {}).get("aws") or {}
    settings = aws.get("maintenance")
    return settings if settings and settings.get("schedule") else None


def maintained_tables(
    run_plans: Iterable[dict[str, Any]], evidence_database: str, table_prefix: str | None = None
) -> list[tuple[str, str]]:
    """(database, table) of every target, then of every evidence table (named with ``table_prefix``);
    sorted, no duplicates."""
    targets = {
        (plan["target"]["database"], plan["target"]["identifier"].rsplit(".", 1)[-1])
        for plan in run_plans
        if plan.get("target", {}).get("database")
    }
    evidence = sorted(physical_name(table, table_prefix) for table in EVIDENCE_TABLES)
    return sorted(targets) + [(evidence_database, table) for table in evidence]


def maintenance_module(
    source: str,
    plan: ProjectPlan,
    run_plans: Iterable[dict[str, Any]],
    root: Any,
    value: Callable[[str], str],
) -> dict[str, Any] | None:
    """The module call, or None when the environment declares no maintenance schedule. ``value``
    turns a literal that may hold the region/account/bucket tokens into Terraform JSON; ``root``:
    the root's inputs (artifact bucket and region, literal or tokens)."""
    artifact_bucket, region = root.artifact_bucket, root.region
    environment, project, evidence_database = plan.environment, plan.name, plan.evidence_database
    artifacts = plan.artifacts_uri or f"s3://{artifact_bucket}/contractforge/{plan.name}/"
    output_location = artifacts.rstrip("/") + "/athena-results/"
    buckets = [plan.warehouse.split("://", 1)[-1].split("/", 1)[0], artifact_bucket]
    settings = maintenance_settings(environment)
    if settings is None:
        return None
    retention = int(settings.get("snapshot_retention_days") or DEFAULT_RETENTION_DAYS)
    tables = maintained_tables(run_plans, evidence_database, plan.evidence_table_prefix)
    statements = [s for db, table in tables for s in athena_maintenance_statements(db, table, retention)]
    athena = ((environment.get("parameters") or {}).get("aws") or {}).get("athena") or {}
    glue = [f"arn:aws:glue:{region}:{ACCOUNT_TOKEN}:catalog"]
    for database in sorted({db for db, _ in tables}):
        glue += [
            f"arn:aws:glue:{region}:{ACCOUNT_TOKEN}:database/{database}",
            f"arn:aws:glue:{region}:{ACCOUNT_TOKEN}:table/{database}/*",
        ]
    s3 = [
        arn
        for bucket in sorted(set(buckets))
        for arn in (f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*")
    ]
    module: dict[str, Any] = {
        "source": source,
        "name": value(project),
        "statements": [value(s) for s in statements],
        "workgroup": value(settings.get("workgroup") or athena.get("workgroup") or "primary"),
        "glue_resource_arns": [value(arn) for arn in glue],
        "s3_resource_arns": [value(arn) for arn in s3],
        "schedule_expression": value(settings["schedule"]),
        "schedule_expression_timezone": value(settings.get("timezone") or "UTC"),
    }
    module["output_location"] = value(output_location)
    return module
