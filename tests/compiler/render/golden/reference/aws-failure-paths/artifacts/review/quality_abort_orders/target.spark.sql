-- target of step quality_abort_orders (write mode scd0_append)
CREATE NAMESPACE IF NOT EXISTS glue_catalog.`contractforge_cf_aws_failure_paths` LOCATION 's3://contractforge-aws-smoke-000000000000-us-east-1/warehouse/aws-failure-paths/contractforge_cf_aws_failure_paths.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS glue_catalog.`contractforge_cf_aws_failure_paths`.`b_quality_abort_orders` (<columns of the prepared data>) USING iceberg TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='merge-on-read');
