-- report_runs: every run since {since} with its timing, row counts, quality and run group (for timelines).
SELECT run_id, target_table, status, quality_status, run_group_id, started_at_utc, finished_at_utc,
       duration_seconds, rows_read, rows_written, rows_quarantined, error_message, run_date
FROM {db}.ctrl_ingestion_runs
WHERE run_date >= CAST({since} AS DATE)
  AND run_ts_utc >= {since}
  AND target_table IN ({targets})
ORDER BY started_at_utc, run_id
