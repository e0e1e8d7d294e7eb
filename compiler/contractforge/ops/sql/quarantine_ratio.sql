-- quarantine_ratio: share of the rows read that were quarantined, per target, since {since}.
SELECT target_table,
       SUM(COALESCE(rows_quarantined, 0)) AS rows_quarantined,
       SUM(COALESCE(rows_read, 0)) AS rows_read,
       CAST(SUM(COALESCE(rows_quarantined, 0)) AS DOUBLE) / NULLIF(SUM(COALESCE(rows_read, 0)), 0) AS quarantine_ratio
FROM {db}.ctrl_ingestion_runs
WHERE run_date >= CAST({since} AS DATE)
  AND run_ts_utc >= {since}
  AND target_table IN ({targets})
GROUP BY target_table
ORDER BY target_table
