-- freshness: last successful and last finished run per target (all time).
-- audit compares it with freshness_sla_minutes of each contract's operations block.
SELECT target_table,
       MAX(CASE WHEN status = 'SUCCESS' THEN finished_at_utc END) AS last_success_at_utc,
       MAX(finished_at_utc) AS last_finished_at_utc,
       COUNT(*) AS runs
FROM {db}.ctrl_ingestion_runs
WHERE target_table IN ({targets})
GROUP BY target_table
ORDER BY target_table
