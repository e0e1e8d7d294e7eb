-- target of step customers_history (write mode scd2_historical)
CREATE DATABASE IF NOT EXISTS crm_customers_silver LOCATION 's3://customers-history-lake-eu-west-1/warehouse/crm_customers_silver.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS crm_customers_silver.s_customers_history (<columns of the prepared data>, valid_from timestamp, valid_to timestamp, is_current boolean, row_hash string, changed_columns array<string>) LOCATION 's3://customers-history-lake-eu-west-1/warehouse/crm_customers_silver.db/s_customers_history/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG', 'write.merge.mode'='merge-on-read');

-- The current version of every key (apply after the first run has created the table):
CREATE OR REPLACE VIEW crm_customers_silver.s_customers_history_current AS SELECT * FROM crm_customers_silver.s_customers_history WHERE is_current = true;
