"""Issue 12 acceptance on examples/orders-medallion, run locally: the annotations reach b_orders
(DESCRIBE TABLE EXTENDED), an unchanged rerun makes no annotation commit, and changing one column
description shows exactly that change in ctrl_ingestion_annotations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.compiler.local.reference_helpers import reset_project, run, stage

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "orders-medallion"
LANDING = "s3://orders-medallion-lake-us-east-1/landing/orders/"
BRONZE = "glue_catalog.shop_orders_bronze.b_orders"
OPS = "glue_catalog.shop_orders_ops"
ANNOTATIONS = "contracts/aws/bronze/b_orders/b_orders.annotations.yaml"


def _run_row(spark, run_id: str):
    return spark.table(f"{OPS}.ctrl_ingestion_runs").where(f"run_id = '{run_id}'").first()


def _annotation_rows(spark, run_id: str) -> list:
    return spark.table(f"{OPS}.ctrl_ingestion_annotations").where(f"run_id = '{run_id}'").collect()


def _metadata_commits(spark) -> int:
    return spark.sql(f"SELECT count(*) FROM {BRONZE}.metadata_log_entries").first()[0]


def test_annotations_applied_unchanged_then_exactly_one_change(spark, tmp_path):
    project = tmp_path / "orders-medallion"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("build", ".terraform"))
    reset_project(spark, project)
    s3_root = tmp_path / "s3"
    stage(project / "data" / "orders" / "wave1", LANDING, s3_root)

    first = run(spark, project, s3_root)["bronze_orders"]
    described = {r["col_name"]: r for r in spark.sql(f"DESCRIBE TABLE EXTENDED {BRONZE}").collect()}
    assert described["order_id"]["comment"] == "Shop order identifier."
    assert described["customer_id"]["comment"] == "Customer identifier, upper-cased."
    assert (
        described["Comment"]["data_type"]
        == "Raw shop orders landed from the S3 drop zone, one row per order."
    )
    properties = dict(spark.sql(f"SHOW TBLPROPERTIES {BRONZE}").collect())
    assert properties["contractforge.tag.domain"] == "sales"
    assert properties["contractforge.column.customer_id.pii.type"] == "other"
    assert _run_row(spark, first.run_id)["annotations_status"] == "APPLIED"

    commits = _metadata_commits(spark)
    second = run(spark, project, s3_root)["bronze_orders"]  # no new files: a skipped run
    assert _run_row(spark, second.run_id)["annotations_status"] == "UNCHANGED"
    assert _annotation_rows(spark, second.run_id) == []
    assert _metadata_commits(spark) == commits  # no annotation commit (and no data commit)

    path = project / ANNOTATIONS
    path.write_text(
        path.read_text().replace("Order total in the order currency.", "Order total, tax included.")
    )
    third = run(spark, project, s3_root)["bronze_orders"]
    rows = _annotation_rows(spark, third.run_id)
    assert [(r["column_name"], r["key"], r["previous_value"], r["value"], r["status"]) for r in rows] == [
        (
            "amount",
            "description",
            "Order total in the order currency.",
            "Order total, tax included.",
            "APPLIED",
        )
    ]
    assert _metadata_commits(spark) == commits + 1
