-- quarantine_by_rule: quarantined records per target and rule since {since}.
SELECT target_table, rule_name, COUNT(*) AS quarantined_rows, COUNT(DISTINCT run_id) AS runs
FROM {db}.ctrl_ingestion_quarantine
WHERE quarantined_at_utc >= {since}
  AND target_table IN ({targets})
GROUP BY target_table, rule_name
ORDER BY quarantined_rows DESC, target_table, rule_name
