-- target of step bronze_customers (write mode scd0_append)
CREATE NAMESPACE IF NOT EXISTS glue_catalog.`demo_bronze` LOCATION 's3://lake-bucket/warehouse/demo_bronze.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS glue_catalog.`demo_bronze`.`bronze_customers` (<columns of the prepared data>) USING iceberg TBLPROPERTIES ('format-version'='2');
