-- target of step customers_history (write mode scd2_historical)
CREATE NAMESPACE IF NOT EXISTS glue_catalog.`crm_customers_silver` LOCATION 's3://customers-history-lake-eu-west-1/warehouse/crm_customers_silver.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS glue_catalog.`crm_customers_silver`.`s_customers_history` (<columns of the prepared data>, `valid_from` timestamp, `valid_to` timestamp, `is_current` boolean, `row_hash` string, `changed_columns` array<string>) USING iceberg TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='merge-on-read');

-- The current version of every key (apply after the first run has created the table):
CREATE OR REPLACE VIEW glue_catalog.`crm_customers_silver`.`s_customers_history_current` AS SELECT * FROM glue_catalog.`crm_customers_silver`.`s_customers_history` WHERE is_current = true;
