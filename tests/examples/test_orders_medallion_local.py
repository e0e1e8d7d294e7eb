"""examples/orders-medallion runs locally with the outcomes its README promises (two waves)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compiler.local.reference_helpers import count, reset_project, run, stage

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2] / "examples" / "orders-medallion"
LANDING = "s3://orders-medallion-lake-us-east-1/landing/orders/"
BRONZE = "glue_catalog.shop_orders_bronze.b_orders"
SILVER = "glue_catalog.shop_orders_silver.s_orders"
GOLD = "glue_catalog.shop_orders_gold.g_daily_revenue"


def test_two_waves(spark, tmp_path):
    reset_project(spark, PROJECT)
    s3_root = tmp_path / "s3"
    stage(PROJECT / "data" / "orders" / "wave1", LANDING, s3_root)
    first = run(spark, PROJECT, s3_root)
    assert {n: (o.status, o.quality_status) for n, o in first.items()} == {
        "bronze_orders": ("SUCCESS", "PASSED"),
        "silver_orders": ("SUCCESS", "PASSED"),
        "gold_daily_revenue": ("SUCCESS", "PASSED"),
    }, {n: o.error_message for n, o in first.items()}
    assert (count(spark, BRONZE), count(spark, SILVER), count(spark, GOLD)) == (5, 5, 2)

    stage(PROJECT / "data" / "orders" / "wave2", LANDING, s3_root)
    second = run(spark, PROJECT, s3_root)
    bronze = second["bronze_orders"]
    assert (bronze.quality_status, bronze.rows_read, bronze.rows_written, bronze.rows_quarantined) == (
        "QUARANTINED", 4, 2, 2,
    )  # fmt: skip
    assert (count(spark, BRONZE), count(spark, SILVER), count(spark, GOLD)) == (6, 6, 3)
    assert spark.table(SILVER).where("order_id = 5002").first()["order_status"] == "paid"
    revenue = {
        (str(r["order_date"]), r["currency"]): (r["orders"], float(r["revenue"]))
        for r in spark.table(GOLD).collect()
    }
    assert revenue == {
        ("2026-01-01", "EUR"): (2, 155.5),
        ("2026-01-01", "USD"): (2, 328.19),
        ("2026-01-02", "EUR"): (1, 64.1),
    }
