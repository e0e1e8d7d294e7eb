import pytest

pytestmark = pytest.mark.slow


def test_iceberg_merge_and_snapshots(spark):
    spark.sql("CREATE NAMESPACE IF NOT EXISTS glue_catalog.cf_local_smoke")
    spark.sql("DROP TABLE IF EXISTS glue_catalog.cf_local_smoke.t")
    spark.sql(
        "CREATE TABLE glue_catalog.cf_local_smoke.t (id INT, v STRING) USING iceberg "
        "TBLPROPERTIES ('format-version'='2')"
    )
    spark.sql("INSERT INTO glue_catalog.cf_local_smoke.t VALUES (1, 'a'), (2, 'b')")
    spark.sql(
        "MERGE INTO glue_catalog.cf_local_smoke.t t USING (SELECT 1 AS id, 'z' AS v) s ON t.id = s.id "
        "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
    )
    rows = {r.id: r.v for r in spark.table("glue_catalog.cf_local_smoke.t").collect()}
    assert rows == {1: "z", 2: "b"}
    ops = [
        r.operation
        for r in spark.sql("SELECT operation FROM glue_catalog.cf_local_smoke.t.snapshots").collect()
    ]
    assert ops == ["append", "overwrite"]
    assert spark.conf.get("spark.sql.sources.partitionOverwriteMode") == "dynamic"
