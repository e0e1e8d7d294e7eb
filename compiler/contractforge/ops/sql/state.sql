-- state: the current state of each target (its newest ctrl_ingestion_state row); last_delta_version = Iceberg snapshot id.
SELECT target_table, watermark_column, watermark_value, last_success_at_utc, last_run_id, last_status,
       last_rows_written, last_error_message, parent_run_id, run_group_id, master_job_id, master_run_id,
       COALESCE(last_delta_version, last_table_version) AS last_delta_version, last_table_version,
       last_write_completed_at_utc, last_watermark_candidate, last_updated_at_utc
FROM (
  SELECT s.*,
         ROW_NUMBER() OVER (
           PARTITION BY s.target_table ORDER BY s.last_updated_at_utc DESC, s.last_run_id DESC
         ) AS state_rank
  FROM {db}.ctrl_ingestion_state s
) ranked
WHERE state_rank = 1
