-- target of step silver_customer_balances_eur (write mode scd0_overwrite)
CREATE NAMESPACE IF NOT EXISTS glue_catalog.`billing_core_silver` LOCATION 's3://billing-lake-us-east-1/warehouse/billing_core_silver.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS glue_catalog.`billing_core_silver`.`s_customer_balances_eur` (<columns of the prepared data>) USING iceberg TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='merge-on-read');
