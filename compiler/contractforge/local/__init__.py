"""Local embedded execution: Spark + Iceberg session (with the Jackson shim), s3:// mapping, run --local."""
