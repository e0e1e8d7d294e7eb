-- target of step gold (write mode scd0_append)
CREATE DATABASE IF NOT EXISTS demo_gold LOCATION 's3://lake-bucket/warehouse/demo_gold.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS demo_gold.gold (<columns of the prepared data>) LOCATION 's3://lake-bucket/warehouse/demo_gold.db/gold/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG');
