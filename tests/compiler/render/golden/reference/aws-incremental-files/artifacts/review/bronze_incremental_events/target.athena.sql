-- target of step bronze_incremental_events (write mode scd1_hash_diff)
CREATE DATABASE IF NOT EXISTS contractforge_cf_incremental_files_bronze LOCATION 's3://contractforge-aws-smoke-000000000000-us-east-1/warehouse/incremental-files/contractforge_cf_incremental_files_bronze.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS contractforge_cf_incremental_files_bronze.b_events (<columns of the prepared data>, row_hash string) LOCATION 's3://contractforge-aws-smoke-000000000000-us-east-1/warehouse/incremental-files/contractforge_cf_incremental_files_bronze.db/b_events/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG', 'write.merge.mode'='merge-on-read');
