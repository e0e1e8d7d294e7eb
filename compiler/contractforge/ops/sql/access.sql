-- access: grants, row filters and column masks applied, deferred or drifted since {since}, newest first.
SELECT target_table, action, access_type, principal, privilege, column_name, function_name, mode,
       drift_policy, status, error_message, access_ts_utc, run_id
FROM {db}.ctrl_ingestion_access
WHERE access_ts_utc >= {since}
  AND target_table IN ({targets})
ORDER BY access_ts_utc DESC, target_table, principal
