"""Helpers for running the reference projects locally on the shared session."""

from __future__ import annotations

import io

from contractforge.api import plan_project
from contractforge.local.runner import run_project_locally
from contractforge.local.staging import put

from tests.spark_reset import drop_databases

BUCKET = "s3://contractforge-aws-smoke-000000000000-us-east-1"


def reset_project(spark, project) -> None:
    """Drop every database the project writes (targets and evidence) so each test starts clean."""
    plan = plan_project(project)
    databases = {s.target_database for s in plan.steps} | {plan.evidence_database}
    databases |= {s.run_plan["evidence"]["database"] for s in plan.steps if s.run_plan}
    drop_databases(spark, *databases)


def run(spark, project, s3_root, **kwargs) -> dict:
    outcomes = run_project_locally(project, s3_root=s3_root, spark=spark, out=io.StringIO(), **kwargs)
    return {o.name: o for o in outcomes}


def stage(source, uri: str, s3_root) -> None:
    put(source, uri, s3_root)


def count(spark, identifier: str) -> int:
    return spark.table(identifier).count()


def snapshot_count(spark, identifier: str) -> int:
    return spark.sql(f"SELECT count(*) FROM {identifier}.snapshots").first()[0]


def runs(spark, ops_db: str, target: str) -> list:
    return (
        spark.table(f"glue_catalog.{ops_db}.ctrl_ingestion_runs")
        .where(f"target_table = '{target}'")
        .orderBy("started_at_utc")
        .collect()
    )
