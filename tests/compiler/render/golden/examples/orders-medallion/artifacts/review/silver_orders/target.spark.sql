-- target of step silver_orders (write mode scd1_upsert)
CREATE NAMESPACE IF NOT EXISTS glue_catalog.`shop_orders_silver` LOCATION 's3://orders-medallion-lake-us-east-1/warehouse/shop_orders_silver.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS glue_catalog.`shop_orders_silver`.`s_orders` (<columns of the prepared data>) USING iceberg TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='merge-on-read');
