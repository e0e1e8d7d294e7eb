-- target of step customers_hashdiff (write mode scd1_hash_diff)
CREATE DATABASE IF NOT EXISTS contractforge_cf_hashdiff_prod_silver LOCATION 's3://contractforge-aws-smoke-000000000000-us-east-1/warehouse/hashdiff-production/contractforge_cf_hashdiff_prod_silver.db/';

-- The runtime creates the table on the first write from the prepared data's schema:
-- CREATE TABLE IF NOT EXISTS contractforge_cf_hashdiff_prod_silver.s_customers_hashdiff (<columns of the prepared data>, row_hash string) LOCATION 's3://contractforge-aws-smoke-000000000000-us-east-1/warehouse/hashdiff-production/contractforge_cf_hashdiff_prod_silver.db/s_customers_hashdiff/' TBLPROPERTIES ('format'='parquet', 'format-version'='2', 'table_type'='ICEBERG', 'write.merge.mode'='merge-on-read');
