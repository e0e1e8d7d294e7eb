-- stage_durations: the slowest runs since {since} with the seconds spent per stage (read, quality, write, lock, ...).
SELECT run_id, target_table, mode, status, duration_seconds,
       CAST(json_extract_scalar(stage_durations_json, '$.read') AS DOUBLE) AS read_seconds,
       CAST(json_extract_scalar(stage_durations_json, '$.prepare') AS DOUBLE) AS prepare_seconds,
       CAST(json_extract_scalar(stage_durations_json, '$.quality') AS DOUBLE) AS quality_seconds,
       CAST(json_extract_scalar(stage_durations_json, '$.write') AS DOUBLE) AS write_seconds,
       CAST(json_extract_scalar(stage_durations_json, '$.lock') AS DOUBLE) AS lock_seconds,
       CAST(json_extract_scalar(stage_durations_json, '$.evidence_setup') AS DOUBLE) AS evidence_setup_seconds,
       stage_durations_json
FROM {db}.ctrl_ingestion_runs
WHERE run_date >= CAST({since} AS DATE)
  AND run_ts_utc >= {since}
  AND target_table IN ({targets})
ORDER BY duration_seconds DESC, run_id
LIMIT 50
