-- cost_by_run: cost signals since {since} joined to their runs (orphan cost rows left out).
-- Orphans are counted by orphan_cost_rows.
WITH cost AS (
  SELECT run_id, target_table,
         SUM(CASE WHEN signal_name = 'glue_dpu_seconds' THEN signal_value ELSE 0 END) AS dpu_seconds,
         SUM(CASE WHEN signal_name = 'glue_billed_dpu_seconds' THEN signal_value ELSE 0 END) AS billed_dpu_seconds
  FROM {db}.ctrl_ingestion_cost
  WHERE captured_at_utc >= {since}
    AND target_table IN ({targets})
  GROUP BY run_id, target_table
)
SELECT r.run_id, r.target_table, r.status, r.rows_read, r.rows_written, r.duration_seconds,
       c.dpu_seconds, c.billed_dpu_seconds
FROM cost c
JOIN {db}.ctrl_ingestion_runs r ON r.run_id = c.run_id AND r.target_table = c.target_table
ORDER BY r.target_table, r.run_id
