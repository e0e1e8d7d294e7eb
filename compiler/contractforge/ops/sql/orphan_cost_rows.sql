-- orphan_cost_rows: cost rows since {since} whose run has no ctrl_ingestion_runs row, per target.
SELECT c.target_table, COUNT(*) AS orphan_rows, COUNT(DISTINCT c.run_id) AS orphan_runs
FROM {db}.ctrl_ingestion_cost c
LEFT JOIN {db}.ctrl_ingestion_runs r ON r.run_id = c.run_id AND r.target_table = c.target_table
WHERE c.captured_at_utc >= {since}
  AND c.target_table IN ({targets})
  AND r.run_id IS NULL
GROUP BY c.target_table
ORDER BY c.target_table
