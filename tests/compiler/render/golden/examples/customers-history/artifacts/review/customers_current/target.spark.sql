-- target of step customers_current (write mode snapshot_soft_delete)
CREATE NAMESPACE IF NOT EXISTS glue_catalog.`crm_customers_silver` LOCATION 's3://customers-history-lake-eu-west-1/warehouse/crm_customers_silver.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS glue_catalog.`crm_customers_silver`.`s_customers_current` (<columns of the prepared data>, `is_active` boolean, `deleted_at` timestamp, `row_hash` string) USING iceberg TBLPROPERTIES ('format-version'='2', 'write.merge.mode'='merge-on-read');
