-- target of step bronze_fx_rates (write mode scd1_upsert)
CREATE NAMESPACE IF NOT EXISTS glue_catalog.`billing_core_bronze` LOCATION 's3://billing-lake-us-east-1/warehouse/billing_core_bronze.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS glue_catalog.`billing_core_bronze`.`b_fx_rates` (<columns of the prepared data>) USING iceberg TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='merge-on-read');
