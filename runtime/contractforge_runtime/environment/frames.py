"""DataFrame helpers shared by the runtime's stages."""

from __future__ import annotations


def detached(df, spark=None):
    """The same rows and schema as a plain RDD-backed frame in ``spark`` (default: df's session).

    Spark no longer sees how the rows were computed: used to re-bind a micro-batch to the job's
    session, and to hand MERGE a source whose lineage holds non-deterministic expressions (which
    copy-on-write MERGE refuses). Nothing is copied; reading it evaluates df (or its cache).
    """
    from pyspark.sql import DataFrame

    spark = spark or df.sparkSession
    return DataFrame(spark._jsparkSession.createDataFrame(df._jdf.rdd(), df._jdf.schema()), spark)
