-- target of step silver_s3_orders_daily (write mode scd0_overwrite)
CREATE NAMESPACE IF NOT EXISTS glue_catalog.`contractforge_cf_s3_file_e2e_silver` LOCATION 's3://contractforge-aws-smoke-000000000000-us-east-1/warehouse/s3-file-e2e/contractforge_cf_s3_file_e2e_silver.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS glue_catalog.`contractforge_cf_s3_file_e2e_silver`.`s_orders_daily` (<columns of the prepared data>) USING iceberg TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='merge-on-read');
