-- stream_reconciliation: per streaming run, micro-batch totals of ctrl_ingestion_streams against the run row.
WITH batches AS (
  SELECT run_id, target_table,
         COUNT(*) AS batch_rows,
         SUM(COALESCE(batches_processed, 0)) AS batches_processed,
         SUM(COALESCE(total_rows_read, 0)) AS batch_rows_read,
         SUM(COALESCE(total_rows_written, 0)) AS batch_rows_written,
         SUM(COALESCE(total_rows_quarantined, 0)) AS batch_rows_quarantined,
         MIN(started_at_utc) AS first_batch_started_at_utc
  FROM {db}.ctrl_ingestion_streams
  WHERE started_at_utc >= {since}
    AND target_table IN ({targets})
  GROUP BY run_id, target_table
)
SELECT b.run_id, b.target_table, r.status, b.batches_processed, b.batch_rows,
       r.rows_read, b.batch_rows_read, r.rows_written, b.batch_rows_written,
       r.rows_quarantined, b.batch_rows_quarantined,
       COALESCE(r.rows_read, 0) = b.batch_rows_read
         AND COALESCE(r.rows_written, 0) = b.batch_rows_written
         AND COALESCE(r.rows_quarantined, 0) = b.batch_rows_quarantined AS reconciled
FROM batches b
LEFT JOIN {db}.ctrl_ingestion_runs r ON r.run_id = b.run_id AND r.target_table = b.target_table
ORDER BY b.first_batch_started_at_utc DESC, b.run_id
