"""Acceptance (shared reference project): hash-diff-production runs locally. aws-failure-paths (its
expected failures and their evidence) runs through the CLI in test_cli_run_local.py."""

from __future__ import annotations

import shutil

import pytest

from tests.compiler.local.reference_helpers import (
    BUCKET,
    count,
    reset_project,
    run,
    runs,
    snapshot_count,
    stage,
)

pytestmark = pytest.mark.slow

HASH_TARGET = "glue_catalog.contractforge_cf_hashdiff_prod_silver.s_customers_hashdiff"
HASH_OPS = "contractforge_cf_hashdiff_prod_ops"


def test_hash_diff_production_waves(spark, reference_projects, tmp_path):
    project = reference_projects / "hash-diff-production"
    reset_project(spark, project)
    s3_root = tmp_path / "s3"
    prefix = f"{BUCKET}/data/hashdiff-production/customers/"
    data = project / "data"

    def wave(name: str):
        stage(data / name, prefix + name + "/", s3_root)
        return run(spark, project, s3_root)["customers_hashdiff"]

    initial = wave("initial_load")
    assert (initial.status, initial.rows_read, initial.rows_written) == ("SUCCESS", 4, 4)
    snapshots = snapshot_count(spark, HASH_TARGET)

    replay = wave("no_change_replay")
    assert (replay.status, replay.skip_reason, replay.rows_written) == ("SKIPPED", "no_hash_changes", 0)
    # merge-on-read (the default): one conditional MERGE, which commits a metadata-only snapshot
    assert replay.operation_metrics["metadata_only_snapshot"] is True
    assert snapshot_count(spark, HASH_TARGET) == snapshots + 1

    changed = wave("changed_row_wave")
    assert (changed.status, changed.rows_read, changed.rows_written) == ("SUCCESS", 4, 2)
    snapshots = snapshot_count(spark, HASH_TARGET)
    before = sorted(tuple(r) for r in spark.table(HASH_TARGET).drop("benchmark_loaded_at_utc").collect())

    duplicate = wave("duplicate_key_failure")
    assert duplicate.status == "FAILED"
    assert "duplicate merge_keys: ['customer_id']" in duplicate.error_message
    assert "customer_id=1" in duplicate.error_message
    shutil.rmtree(
        s3_root / prefix.removeprefix("s3://") / "duplicate_key_failure"
    )  # the operator removes the bad file

    null_key = wave("null_key_failure")
    assert null_key.status == "FAILED" and "null merge_keys: ['customer_id']" in null_key.error_message

    assert snapshot_count(spark, HASH_TARGET) == snapshots
    assert (
        sorted(tuple(r) for r in spark.table(HASH_TARGET).drop("benchmark_loaded_at_utc").collect()) == before
    )
    assert count(spark, HASH_TARGET) == 4
    history = runs(spark, HASH_OPS, HASH_TARGET)
    assert [(r.status, r.rows_inserted, r.rows_updated) for r in history] == [
        ("SUCCESS", 4, 0),
        ("SKIPPED", 0, 0),
        ("SUCCESS", 0, 2),
        ("FAILED", 0, 0),
        ("FAILED", 0, 0),
    ]
    changed_row = [r for r in history if r.rows_updated == 2][0]
    assert '"hash_diff_candidate_rows": 2' in changed_row.operation_metrics_json
    assert '"hash_input_columns": ["segment", "status", "balance", "updated_at", "payload_hash_noise"]' in (
        changed_row.operation_metrics_json
    )
