-- target of step bronze_orders (write mode scd1_hash_diff)
CREATE DATABASE IF NOT EXISTS demo_bronze LOCATION 's3://lake-bucket/warehouse/demo_bronze.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS demo_bronze.bronze_orders (<columns of the prepared data>, row_hash string) LOCATION 's3://lake-bucket/warehouse/demo_bronze.db/bronze_orders/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG');
