-- target of step silver_join (write mode scd0_append)
CREATE DATABASE IF NOT EXISTS demo_silver LOCATION 's3://lake-bucket/warehouse/demo_silver.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS demo_silver.silver_join (<columns of the prepared data>) LOCATION 's3://lake-bucket/warehouse/demo_silver.db/silver_join/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG');
