-- target of step bronze_orders (write mode scd1_hash_diff)
CREATE DATABASE IF NOT EXISTS shop_orders_bronze LOCATION 's3://orders-medallion-lake-us-east-1/warehouse/shop_orders_bronze.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS shop_orders_bronze.b_orders (<columns of the prepared data>, row_hash string) LOCATION 's3://orders-medallion-lake-us-east-1/warehouse/shop_orders_bronze.db/b_orders/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG', 'write.merge.mode'='merge-on-read');
