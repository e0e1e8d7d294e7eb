-- errors: errors with their stack traces since {since}, newest first.
SELECT run_id, target_table, error_ts_utc, error_type, error_class, error_message, stack_trace
FROM {db}.ctrl_ingestion_errors
WHERE error_date >= CAST({since} AS DATE)
  AND error_ts_utc >= {since}
  AND target_table IN ({targets})
ORDER BY error_ts_utc DESC, run_id
