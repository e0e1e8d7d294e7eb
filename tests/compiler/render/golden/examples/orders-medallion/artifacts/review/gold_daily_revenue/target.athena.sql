-- target of step gold_daily_revenue (write mode scd0_overwrite)
CREATE DATABASE IF NOT EXISTS shop_orders_gold LOCATION 's3://orders-medallion-lake-us-east-1/warehouse/shop_orders_gold.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS shop_orders_gold.g_daily_revenue (<columns of the prepared data>) LOCATION 's3://orders-medallion-lake-us-east-1/warehouse/shop_orders_gold.db/g_daily_revenue/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG', 'write.merge.mode'='merge-on-read');
