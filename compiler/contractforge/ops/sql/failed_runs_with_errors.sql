-- failed_runs_with_errors: FAILED runs since {since} with their exception type and full stack trace.
SELECT r.started_at_utc, r.target_table, r.source_connector, r.mode, r.runtime_type, r.run_id,
       r.error_message AS short_error, e.error_type, e.error_class, e.stack_trace
FROM {db}.ctrl_ingestion_runs r
LEFT JOIN {db}.ctrl_ingestion_errors e ON e.run_id = r.run_id AND e.target_table = r.target_table
WHERE r.status = 'FAILED'
  AND r.run_date >= CAST({since} AS DATE)
  AND r.run_ts_utc >= {since}
  AND r.target_table IN ({targets})
ORDER BY r.started_at_utc DESC, r.run_id
