-- runs_by_quality_status: runs per target and quality status since {since}.
SELECT target_table, COALESCE(quality_status, 'UNKNOWN') AS quality_status, COUNT(*) AS runs
FROM {db}.ctrl_ingestion_runs
WHERE run_date >= CAST({since} AS DATE)
  AND run_ts_utc >= {since}
  AND target_table IN ({targets})
GROUP BY target_table, COALESCE(quality_status, 'UNKNOWN')
ORDER BY target_table, quality_status
