"""Reading files through Spark so that no row is lost silently.

- CSV and JSON (files, and HTTP files' bodies) are read in PERMISSIVE mode with a corrupt-record column (``MALFORMED``): a CSV row
  with too few or too many fields, or a JSON line that does not parse, arrives as a row carrying its
  raw text there (checks/intake.py quarantines it as ``malformed_record`` or fails the run). A CSV
  schema is the header's (or the inferred one) plus that column; Spark flags wrong field counts only
  when the CSV parser does not prune columns, so ``RUN_SESSION_CONF`` turns that pruning off for the
  run. An explicit ``options.mode`` of ``DROPMALFORMED`` or ``FAILFAST`` is Spark's behaviour, as
  asked (``FAILFAST`` is read as ``malformed_records: fail``).
- Every file read carries the file it came from (``SOURCE_FILE``); a read of several files also its
  modification time (``SOURCE_MTIME``): the source order a backlog is applied in (write/backlog.py).
"""

from __future__ import annotations

from contractforge_runtime.environment.hidden_columns import MALFORMED, SOURCE_FILE, SOURCE_MTIME

CAPTURING_FORMATS = ("csv", "json")
SPARK_MODES = ("PERMISSIVE", "DROPMALFORMED", "FAILFAST")


def spark_mode(options: dict) -> str:
    return str(options.get("mode") or "PERMISSIVE").upper()


def malformed_policy(source: dict) -> str:
    """``fail`` or ``quarantine`` (the default) for the records the reader cannot parse."""
    if spark_mode(source.get("options") or {}) == "FAILFAST":
        return "fail"
    return str(source.get("malformed_records") or "quarantine")


def load_files(spark, fmt: str, options: dict, paths: list[str], several_files: bool):
    """The files as one DataFrame with the runtime's source columns (see the module docstring)."""
    df = read_capturing(spark, fmt, options, paths if len(paths) > 1 else paths[0])
    return with_source_columns(df, several_files)


def read_capturing(spark, fmt: str, options: dict, target):
    """``target``: paths, or an RDD of lines (an HTTP file's body). CSV / JSON records the reader
    cannot parse arrive in ``MALFORMED`` (unless ``options.mode`` is ``DROPMALFORMED``)."""
    capture = fmt in CAPTURING_FORMATS and spark_mode(options) != "DROPMALFORMED"
    if capture:
        options = {**options, "mode": "PERMISSIVE", "columnNameOfCorruptRecord": MALFORMED}
    reader = spark.read.options(**options)
    if capture and fmt == "csv":
        from pyspark.sql import types as T

        # the header's columns (or the inferred schema) plus the column the raw record goes to
        found = _read(reader, fmt, target).schema
        reader = reader.schema(T.StructType([*found.fields, T.StructField(MALFORMED, T.StringType())]))
    return _read(reader, fmt, target)


def _read(reader, fmt: str, target):
    if isinstance(target, (str, list)):
        return reader.format(fmt).load(target)
    return getattr(reader, fmt)(target)  # an RDD of lines: csv / json only


def with_source_columns(df, several_files: bool):
    from pyspark.sql import functions as F

    columns = [F.col("_metadata.file_path").alias(SOURCE_FILE)]
    if several_files:
        columns.append(F.col("_metadata.file_modification_time").alias(SOURCE_MTIME))
    return df.select("*", *columns)
