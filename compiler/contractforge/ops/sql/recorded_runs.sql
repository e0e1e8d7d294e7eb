-- recorded_runs: run ids with a SUCCESS or SKIPPED runs row (evidence of their target commits).
SELECT DISTINCT r.target_table, r.run_id
FROM {db}.ctrl_ingestion_runs r
WHERE r.status IN ('SUCCESS', 'SKIPPED')
  AND r.target_table IN ({targets})
