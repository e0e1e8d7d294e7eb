-- hash-diff benchmark report for glue_catalog.demo_bronze.bronze_orders (Athena dialect)
WITH cost AS (
  SELECT run_id, target_table, SUM(signal_value) AS dpu_seconds
  FROM "demo_ops"."ctrl_ingestion_cost"
  WHERE signal_name = 'glue_dpu_seconds' AND target_table = 'glue_catalog.demo_bronze.bronze_orders'
  GROUP BY run_id, target_table
),
runs AS (
  SELECT r.*, ROW_NUMBER() OVER (ORDER BY r.started_at_utc, r.run_id) AS run_number
  FROM "demo_ops"."ctrl_ingestion_runs" r
  WHERE r.target_table = 'glue_catalog.demo_bronze.bronze_orders' AND r.mode = 'scd1_hash_diff' AND r.status IN ('SUCCESS', 'SKIPPED')
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
