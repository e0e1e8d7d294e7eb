-- quality_failures: quality rule results that did not pass since {since}.
SELECT run_id, target_table, rule_name, status, severity, failed_count, observed_value, message, checked_at_utc
FROM {db}.ctrl_ingestion_quality
WHERE checked_at_utc >= {since}
  AND status NOT IN ('PASSED', 'NOT_CONFIGURED', 'SKIPPED')
  AND target_table IN ({targets})
ORDER BY checked_at_utc DESC, target_table, rule_name
