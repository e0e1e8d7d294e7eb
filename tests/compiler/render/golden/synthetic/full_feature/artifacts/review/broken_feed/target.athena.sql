-- target of step broken_feed (write mode scd0_append)
CREATE DATABASE IF NOT EXISTS demo_bronze LOCATION 's3://lake-bucket/warehouse/demo_bronze.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS demo_bronze.broken_feed (<columns of the prepared data>) LOCATION 's3://lake-bucket/warehouse/demo_bronze.db/broken_feed/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG');
