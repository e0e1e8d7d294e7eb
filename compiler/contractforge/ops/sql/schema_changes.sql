-- schema_changes: detected and applied schema changes since {since}, newest first.
SELECT target_table, change_type, column_name, source_type, target_type, applied, change_ts_utc,
       run_id, details_json
FROM {db}.ctrl_ingestion_schema_changes
WHERE change_ts_utc >= {since}
  AND target_table IN ({targets})
ORDER BY change_ts_utc DESC, target_table, column_name
