-- runs_by_status: runs per target and status since {since}.
-- Placeholders: {db} evidence database, {since}/{now} TIMESTAMP literals, {targets} quoted target list.
SELECT target_table, status, COUNT(*) AS runs, MAX(finished_at_utc) AS last_finished_at_utc
FROM {db}.ctrl_ingestion_runs
WHERE run_date >= CAST({since} AS DATE)
  AND run_ts_utc >= {since}
  AND target_table IN ({targets})
GROUP BY target_table, status
ORDER BY target_table, status
