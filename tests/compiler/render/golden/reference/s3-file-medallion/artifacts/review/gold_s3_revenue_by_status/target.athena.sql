-- target of step gold_s3_revenue_by_status (write mode scd0_overwrite)
CREATE DATABASE IF NOT EXISTS contractforge_cf_s3_file_e2e_gold LOCATION 's3://contractforge-aws-smoke-000000000000-us-east-1/warehouse/s3-file-e2e/contractforge_cf_s3_file_e2e_gold.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS contractforge_cf_s3_file_e2e_gold.g_revenue_by_status (<columns of the prepared data>) LOCATION 's3://contractforge-aws-smoke-000000000000-us-east-1/warehouse/s3-file-e2e/contractforge_cf_s3_file_e2e_gold.db/g_revenue_by_status/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG', 'write.merge.mode'='merge-on-read');
