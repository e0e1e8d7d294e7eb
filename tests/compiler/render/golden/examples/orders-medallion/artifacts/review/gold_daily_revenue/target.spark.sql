-- target of step gold_daily_revenue (write mode scd0_overwrite)
CREATE NAMESPACE IF NOT EXISTS glue_catalog.`shop_orders_gold` LOCATION 's3://orders-medallion-lake-us-east-1/warehouse/shop_orders_gold.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS glue_catalog.`shop_orders_gold`.`g_daily_revenue` (<columns of the prepared data>) USING iceberg TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='merge-on-read');
