-- target of step gold (write mode scd0_append)
CREATE NAMESPACE IF NOT EXISTS glue_catalog.`demo_gold` LOCATION 's3://lake-bucket/warehouse/demo_gold.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS glue_catalog.`demo_gold`.`gold` (<columns of the prepared data>) USING iceberg TBLPROPERTIES ('format-version'='2');
