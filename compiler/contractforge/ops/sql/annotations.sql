-- annotations: catalog comments, tags, PII and deprecation actions since {since}, newest first.
SELECT target_table, annotation_scope, annotation_type, column_name, key, previous_value, value,
       status, error_message, annotation_ts_utc, run_id
FROM {db}.ctrl_ingestion_annotations
WHERE annotation_ts_utc >= {since}
  AND target_table IN ({targets})
ORDER BY annotation_ts_utc DESC, target_table, column_name
