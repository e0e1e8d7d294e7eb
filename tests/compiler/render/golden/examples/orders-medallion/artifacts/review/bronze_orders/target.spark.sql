-- target of step bronze_orders (write mode scd1_hash_diff)
CREATE NAMESPACE IF NOT EXISTS glue_catalog.`shop_orders_bronze` LOCATION 's3://orders-medallion-lake-us-east-1/warehouse/shop_orders_bronze.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS glue_catalog.`shop_orders_bronze`.`b_orders` (<columns of the prepared data>, `row_hash` string) USING iceberg TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='merge-on-read');
