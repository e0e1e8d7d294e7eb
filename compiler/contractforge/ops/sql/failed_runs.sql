-- failed_runs: every FAILED run since {since}, newest first.
SELECT run_id, target_table, status, quality_status, error_message, run_ts_utc, finished_at_utc
FROM {db}.ctrl_ingestion_runs
WHERE run_date >= CAST({since} AS DATE)
  AND run_ts_utc >= {since}
  AND status = 'FAILED'
  AND target_table IN ({targets})
ORDER BY run_ts_utc DESC, run_id
