"""Real local evidence of the orders-medallion example: wave 1 (every step), wave 2 (bronze: two rows
quarantined) and wave 3 (bronze: a file without the `currency` column → FAILED with a stack trace)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from contractforge.api import plan_project
from contractforge.local.runner import run_project_locally
from contractforge.local.staging import put
from contractforge.project_plan import ProjectPlan

from tests.compiler.local.reference_helpers import reset_project

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "orders-medallion"
LANDING = "s3://orders-medallion-lake-us-east-1/landing/orders/"
WAVE3 = (
    "order_id,customer_id,order_ts,order_status,amount,updated_at\n"
    "5009,c-108,2026-01-03 10:00:00,paid,12.00,2026-01-03 10:00:00\n"
)


@dataclass(frozen=True)
class OrdersEvidence:
    plan: ProjectPlan
    catalog_db: Path  # the SQLite file of the session's Iceberg JDBC catalog
    outcomes: tuple[dict[str, str], ...]  # step → status, per wave


def catalog_db_of(spark) -> Path:
    return Path(spark.conf.get("spark.sql.catalog.glue_catalog.uri").removeprefix("jdbc:sqlite:"))


def make_orders_evidence(spark, work: Path) -> OrdersEvidence:
    reset_project(spark, EXAMPLE)
    s3_root = work / "s3"
    waves = []

    def run(steps=None) -> None:
        outcomes = run_project_locally(EXAMPLE, s3_root=s3_root, spark=spark, out=io.StringIO(), steps=steps)
        waves.append({o.name: o.status for o in outcomes})

    put(EXAMPLE / "data" / "orders" / "wave1", LANDING, s3_root)
    run()
    put(EXAMPLE / "data" / "orders" / "wave2", LANDING, s3_root)
    run(["bronze_orders"])
    wave3 = work / "wave3"
    wave3.mkdir()
    (wave3 / "orders_wave3.csv").write_text(WAVE3, encoding="utf-8")
    put(wave3, LANDING, s3_root)
    run(["bronze_orders"])
    return OrdersEvidence(plan_project(EXAMPLE), catalog_db_of(spark), tuple(waves))
