-- framework_versions: framework versions that wrote runs since {since} (more than one = mixed).
SELECT COALESCE(framework_version, 'UNKNOWN') AS framework_version,
       COUNT(*) AS runs,
       COUNT(DISTINCT target_table) AS targets,
       MIN(run_ts_utc) AS first_run_ts_utc,
       MAX(run_ts_utc) AS last_run_ts_utc
FROM {db}.ctrl_ingestion_runs
WHERE run_date >= CAST({since} AS DATE)
  AND run_ts_utc >= {since}
  AND target_table IN ({targets})
GROUP BY COALESCE(framework_version, 'UNKNOWN')
ORDER BY framework_version
