-- target of step bronze_customers (write mode scd1_upsert)
CREATE DATABASE IF NOT EXISTS billing_core_bronze LOCATION 's3://billing-lake-us-east-1/warehouse/billing_core_bronze.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS billing_core_bronze.b_customers (<columns of the prepared data>) LOCATION 's3://billing-lake-us-east-1/warehouse/billing_core_bronze.db/b_customers/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG', 'write.merge.mode'='merge-on-read');
