"""Acceptance (shared reference projects): s3-file-medallion and aws-incremental-files run locally."""

from __future__ import annotations

import pytest

from tests.compiler.local.reference_helpers import BUCKET, count, reset_project, run, runs, stage

pytestmark = pytest.mark.slow

BRONZE = "glue_catalog.contractforge_cf_s3_file_e2e_bronze.b_orders_files"
SILVER = "glue_catalog.contractforge_cf_s3_file_e2e_silver.s_orders_daily"
GOLD = "glue_catalog.contractforge_cf_s3_file_e2e_gold.g_revenue_by_status"
OPS = "contractforge_cf_s3_file_e2e_ops"


def test_s3_file_medallion_first_run_and_rerun(spark, reference_projects, tmp_path):
    project = reference_projects / "s3-file-medallion"
    reset_project(spark, project)
    s3_root = tmp_path / "s3"
    stage(project / "data" / "orders", f"{BUCKET}/data/s3-file-medallion/orders/", s3_root)

    first = run(spark, project, s3_root)
    assert [o.status for o in first.values()] == ["SUCCESS"] * 3, {
        n: o.error_message for n, o in first.items()
    }
    bronze = first["bronze_s3_orders_files"]
    assert (bronze.quality_status, bronze.rows_read, bronze.rows_written, bronze.rows_quarantined) == (
        "QUARANTINED",
        9,
        7,
        2,
    )
    assert (count(spark, BRONZE), count(spark, SILVER), count(spark, GOLD)) == (7, 7, 3)
    quarantine = spark.table(f"glue_catalog.{OPS}.ctrl_ingestion_quarantine").where(
        f"target_table = '{BRONZE}'"
    )
    assert quarantine.count() == 2

    second = run(spark, project, s3_root)
    assert (second["bronze_s3_orders_files"].status, second["bronze_s3_orders_files"].skip_reason) == (
        "SKIPPED",
        "no_new_input",
    )
    # nothing new upstream: silver and gold skip before reading (their inputs kept the consumed snapshot)
    assert {(o.status, o.skip_reason) for n, o in second.items() if n != "bronze_s3_orders_files"} == {
        ("SKIPPED", "no_upstream_change")
    }
    assert (count(spark, BRONZE), count(spark, SILVER), count(spark, GOLD)) == (7, 7, 3)
    bronze_runs = runs(spark, OPS, BRONZE)
    assert [(r.status, r.write_committed) for r in bronze_runs] == [("SUCCESS", True), ("SKIPPED", False)]
    assert bronze_runs[0].rows_inserted == 7 and bronze_runs[0].rows_updated == 0


INCREMENTAL = "glue_catalog.contractforge_cf_incremental_files_bronze.b_events"
INCREMENTAL_OPS = "contractforge_cf_incremental_files_ops"


def test_incremental_files_waves(spark, reference_projects, tmp_path):
    project = reference_projects / "aws-incremental-files"
    reset_project(spark, project)
    s3_root = tmp_path / "s3"
    prefix = f"{BUCKET}/data/aws-incremental-files/events/"
    stage(project / "data" / "events" / "wave1", prefix + "wave1/", s3_root)

    wave1 = run(spark, project, s3_root)["bronze_incremental_events"]
    assert (wave1.status, wave1.rows_read, wave1.rows_written) == ("SUCCESS", 4, 4)
    rerun = run(spark, project, s3_root)["bronze_incremental_events"]
    assert (rerun.status, rerun.skip_reason, rerun.quality_status, rerun.rows_read, rerun.rows_written) == (
        "SKIPPED",
        "no_new_input",
        "SKIPPED",
        0,
        0,
    )
    assert count(spark, INCREMENTAL) == 4

    stage(project / "data" / "events" / "wave2", prefix + "wave2/", s3_root)
    wave2 = run(spark, project, s3_root)["bronze_incremental_events"]
    assert (wave2.status, wave2.rows_read, wave2.rows_written, wave2.rows_quarantined) == ("SUCCESS", 4, 3, 1)
    assert count(spark, INCREMENTAL) == 7
    payloads = [
        r.record_payload
        for r in spark.table(f"glue_catalog.{INCREMENTAL_OPS}.ctrl_ingestion_quarantine").collect()
    ]
    assert len(payloads) == 1 and "1008" in payloads[0]
    statuses = [(r.status, r.write_committed) for r in runs(spark, INCREMENTAL_OPS, INCREMENTAL)]
    assert statuses == [("SUCCESS", True), ("SKIPPED", False), ("SUCCESS", True)]
