-- target of step silver_orders (write mode scd1_upsert)
CREATE DATABASE IF NOT EXISTS shop_orders_silver LOCATION 's3://orders-medallion-lake-us-east-1/warehouse/shop_orders_silver.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS shop_orders_silver.s_orders (<columns of the prepared data>) LOCATION 's3://orders-medallion-lake-us-east-1/warehouse/shop_orders_silver.db/s_orders/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG', 'write.merge.mode'='merge-on-read');
