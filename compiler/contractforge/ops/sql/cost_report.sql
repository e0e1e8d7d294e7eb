-- cost_report: runs, rows and DPU-seconds per target since {since}.
-- `maintenance cost-report --dpu-hour-usd` turns DPU-seconds into money.
WITH cost AS (
  SELECT run_id, target_table,
         SUM(CASE WHEN signal_name = 'glue_dpu_seconds' THEN signal_value ELSE 0 END) AS dpu_seconds,
         SUM(CASE WHEN signal_name = 'glue_billed_dpu_seconds' THEN signal_value ELSE 0 END) AS billed_dpu_seconds
  FROM {db}.ctrl_ingestion_cost
  WHERE target_table IN ({targets})
  GROUP BY run_id, target_table
)
SELECT r.target_table,
       COUNT(*) AS runs,
       SUM(CASE WHEN r.status = 'SUCCESS' THEN 1 ELSE 0 END) AS successful_runs,
       SUM(CASE WHEN r.status = 'FAILED' THEN 1 ELSE 0 END) AS failed_runs,
       SUM(COALESCE(r.rows_read, 0)) AS rows_read,
       SUM(COALESCE(r.rows_written, 0)) AS rows_written,
       SUM(COALESCE(c.dpu_seconds, 0)) AS dpu_seconds,
       SUM(COALESCE(c.billed_dpu_seconds, 0)) AS billed_dpu_seconds,
       SUM(CASE WHEN c.run_id IS NULL THEN 1 ELSE 0 END) AS runs_without_cost
FROM {db}.ctrl_ingestion_runs r
LEFT JOIN cost c ON c.run_id = r.run_id AND c.target_table = r.target_table
WHERE r.run_date >= CAST({since} AS DATE)
  AND r.run_ts_utc >= {since}
  AND r.target_table IN ({targets})
GROUP BY r.target_table
ORDER BY billed_dpu_seconds DESC, r.target_table
