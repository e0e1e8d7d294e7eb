-- target of step bronze_customers (write mode scd0_append)
CREATE DATABASE IF NOT EXISTS demo_bronze LOCATION 's3://lake-bucket/warehouse/demo_bronze.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS demo_bronze.bronze_customers (<columns of the prepared data>) LOCATION 's3://lake-bucket/warehouse/demo_bronze.db/bronze_customers/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG');
