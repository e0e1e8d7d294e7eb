-- target of step quality_abort_orders (write mode scd0_append)
CREATE DATABASE IF NOT EXISTS contractforge_cf_aws_failure_paths LOCATION 's3://contractforge-aws-smoke-000000000000-us-east-1/warehouse/aws-failure-paths/contractforge_cf_aws_failure_paths.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS contractforge_cf_aws_failure_paths.b_quality_abort_orders (<columns of the prepared data>) LOCATION 's3://contractforge-aws-smoke-000000000000-us-east-1/warehouse/aws-failure-paths/contractforge_cf_aws_failure_paths.db/b_quality_abort_orders/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG', 'write.merge.mode'='merge-on-read');
