-- target of step bronze_s3_orders_files (write mode scd1_hash_diff)
CREATE NAMESPACE IF NOT EXISTS glue_catalog.`contractforge_cf_s3_file_e2e_bronze` LOCATION 's3://contractforge-aws-smoke-000000000000-us-east-1/warehouse/s3-file-e2e/contractforge_cf_s3_file_e2e_bronze.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS glue_catalog.`contractforge_cf_s3_file_e2e_bronze`.`b_orders_files` (<columns of the prepared data>, `row_hash` string) USING iceberg TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='merge-on-read');
