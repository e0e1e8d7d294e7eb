-- target of step customers_current (write mode snapshot_soft_delete)
CREATE DATABASE IF NOT EXISTS crm_customers_silver LOCATION 's3://customers-history-lake-eu-west-1/warehouse/crm_customers_silver.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS crm_customers_silver.s_customers_current (<columns of the prepared data>, is_active boolean, deleted_at timestamp, row_hash string) LOCATION 's3://customers-history-lake-eu-west-1/warehouse/crm_customers_silver.db/s_customers_current/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG', 'write.merge.mode'='merge-on-read');
