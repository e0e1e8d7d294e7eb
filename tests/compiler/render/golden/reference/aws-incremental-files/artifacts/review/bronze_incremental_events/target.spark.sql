-- target of step bronze_incremental_events (write mode scd1_hash_diff)
CREATE NAMESPACE IF NOT EXISTS glue_catalog.`contractforge_cf_incremental_files_bronze` LOCATION 's3://contractforge-aws-smoke-000000000000-us-east-1/warehouse/incremental-files/contractforge_cf_incremental_files_bronze.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS glue_catalog.`contractforge_cf_incremental_files_bronze`.`b_events` (<columns of the prepared data>, `row_hash` string) USING iceberg TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='merge-on-read');
