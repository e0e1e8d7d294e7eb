-- target of step bronze_orders (write mode scd1_hash_diff)
CREATE NAMESPACE IF NOT EXISTS glue_catalog.`demo_bronze` LOCATION 's3://lake-bucket/warehouse/demo_bronze.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS glue_catalog.`demo_bronze`.`bronze_orders` (<columns of the prepared data>, `row_hash` string) USING iceberg TBLPROPERTIES ('format-version'='2');
