"""Hash-diff performance profile and benchmark report SQL
(docs/compile.md#review-artifacts-dqdl-and-the-hash-diff-performance-profile).

Rendered only for ``scd1_hash_diff`` steps: hash-diff upserts on Glue are not yet validated at
production sizes, so the profile lists what to measure and the release gate, and the Athena
query labels each run ``initial_load`` / ``no_change_replay`` / ``changed_row_wave``.
"""

from __future__ import annotations

from typing import Any

from contractforge_runtime.evidence.schema import rename_tables

HASH_DIFF_MODE = "scd1_hash_diff"
WARNING_CODE = "AWS_HASH_DIFF_PERFORMANCE_UNVALIDATED"
REQUIRED_METRICS = (
    "glue_version",
    "worker_type",
    "worker_count",
    "dpu_seconds",
    "source_row_count",
    "target_written_row_count",
    "quarantined_row_count",
    "merge_key_cardinality",
    "iceberg_snapshot_before",
    "iceberg_snapshot_after",
    "job_duration_seconds",
    "runtime_zip_bytes",
)
BENCHMARK_CASES = (
    ("initial_load", "first load into an empty target", "rows_inserted = source rows; one snapshot"),
    (
        "no_change_replay",
        "replay the same input",
        "no snapshot or skip_reason no_hash_changes; 0 rows written",
    ),
    ("changed_row_wave", "a wave where a subset of rows changed", "rows_updated = changed rows only"),
    ("concurrent_or_overlap_guard", "two overlapping runs", "second run refused by the lock or retried"),
    ("duplicate_key_failure", "input with duplicate merge keys", "run FAILED before any write"),
    ("null_key_failure", "input with a NULL merge key", "run FAILED before any write"),
)


def is_hash_diff(run_plan: dict[str, Any]) -> bool:
    return (run_plan.get("write") or {}).get("mode") == HASH_DIFF_MODE


def render_performance_profile(run_plan: dict[str, Any], glue: Any) -> dict[str, Any]:
    write = run_plan["write"]
    return {
        "kind": "contractforge.aws.performance_profile.v1",
        "status": "benchmark_required",
        "warning_code": WARNING_CODE,
        "step": run_plan["step"]["name"],
        "target": run_plan["target"]["identifier"],
        "mode": write["mode"],
        "merge_keys": list(write.get("merge_keys") or []),
        "hash": {
            "strategy": write.get("hash_strategy"),
            "keys": list(write.get("hash_keys") or []),
            "exclude_columns": list(write.get("hash_exclude_columns") or []),
        },
        "glue": {
            "glue_version": glue.glue_version,
            "worker_type": glue.worker_type,
            "number_of_workers": glue.number_of_workers,
        },
        "required_metrics": list(REQUIRED_METRICS),
        "benchmark_cases": [
            {"name": name, "purpose": purpose, "expected": expected}
            for name, purpose, expected in BENCHMARK_CASES
        ],
        "release_gate": {
            "stable_claim_allowed": False,
            "planner_status_until_validated": "SUPPORTED_WITH_WARNINGS",
        },
    }


def render_performance_sql(run_plan: dict[str, Any]) -> str:
    """Athena report: runs of this target with DPU seconds and the benchmark case they represent."""
    database = run_plan["evidence"]["database"]
    target = run_plan["target"]["identifier"].replace("'", "''")
    mode = run_plan["write"]["mode"]
    return rename_tables(_performance_sql(database, target, mode), run_plan["evidence"].get("table_prefix"))


def _performance_sql(database: str, target: str, mode: str) -> str:
    return f"""-- hash-diff benchmark report for {target} (Athena dialect)
WITH cost AS (
  SELECT run_id, target_table, SUM(signal_value) AS dpu_seconds
  FROM "{database}"."ctrl_ingestion_cost"
  WHERE signal_name = 'glue_dpu_seconds' AND target_table = '{target}'
  GROUP BY run_id, target_table
),
runs AS (
  SELECT r.*, ROW_NUMBER() OVER (ORDER BY r.started_at_utc, r.run_id) AS run_number
  FROM "{database}"."ctrl_ingestion_runs" r
  WHERE r.target_table = '{target}' AND r.mode = '{mode}' AND r.status IN ('SUCCESS', 'SKIPPED')
)
SELECT
  runs.run_id,
  runs.run_number,
  CASE
    WHEN runs.run_number = 1 THEN 'initial_load'
    WHEN runs.skip_reason IN ('no_new_input', 'no_hash_changes')
      OR (COALESCE(runs.rows_inserted, 0) = 0 AND COALESCE(runs.rows_updated, 0) = 0
          AND COALESCE(runs.rows_deleted, 0) = 0) THEN 'no_change_replay'
    ELSE 'changed_row_wave'
  END AS benchmark_case,
  runs.status,
  runs.rows_read,
  runs.rows_written,
  runs.rows_inserted,
  runs.rows_updated,
  runs.rows_quarantined,
  runs.duration_seconds,
  cost.dpu_seconds,
  runs.table_version_before,
  runs.table_version_after
FROM runs
LEFT JOIN cost ON cost.run_id = runs.run_id AND cost.target_table = runs.target_table
ORDER BY runs.run_number
"""
