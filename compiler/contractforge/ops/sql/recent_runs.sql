-- recent_runs: the latest runs since {since} with status, connector, runtime, row counts and error.
SELECT status, target_table, mode, source_connector, runtime_type, rows_read, rows_written,
       rows_quarantined, duration_seconds, error_message, run_id, started_at_utc
FROM {db}.ctrl_ingestion_runs
WHERE run_date >= CAST({since} AS DATE)
  AND run_ts_utc >= {since}
  AND target_table IN ({targets})
ORDER BY started_at_utc DESC, run_id
LIMIT 100
