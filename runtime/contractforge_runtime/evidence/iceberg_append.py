"""Evidence rows committed through Iceberg's Java API: no Spark job per append.

A run's evidence is a few rows per table. Appended through Spark, each table costs a planned and
scheduled job before its commit (about 0.3 s locally, a second or more on a busy machine, five tables a
run). Here the driver writes the rows into one data file per partition with Iceberg's generic writer
(the table's file format and write properties) and commits the files with ``table.newAppend()``: the
same kind of snapshot a Spark append makes, its summary carrying the given properties. Nothing runs on
executors; the same calls work in Glue (Glue catalog, S3 file IO).

py4j hands Python ints to Java as Integer while Iceberg's long columns need Long, so the rows travel as
one JSON text that Jackson reads with ints as Long and floats as Double; timestamps and dates are
parsed on the Java side (OffsetDateTime, LocalDateTime, LocalDate), as Iceberg's generic records hold them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from contractforge_runtime.environment import iceberg_java
from contractforge_runtime.environment.iceberg_java import java_class, java_static
from contractforge_runtime.environment.root_cause import retry_when_busy

_JSON_TYPES = {"long", "double", "string", "boolean"}
_TEMPORAL_TYPES = {"timestamptz", "timestamp", "date"}


class NotReady(LookupError):
    """The table is missing, or lacks some of the columns to write: set it up, then append again."""


def append_rows(
    spark,
    identifier: str,
    columns: Sequence[str],
    rows: Sequence[tuple],
    properties: dict[str, str] | None = None,
) -> None:
    """Commit ``rows`` (values in ``columns`` order, already converted to Python types) to the Iceberg
    table ``identifier`` as one append. Columns of the table not in ``columns`` are written NULL.
    Raises NotReady, before writing anything, when the table or one of the columns is missing."""
    stage_rows(spark, identifier, columns, rows).commit(properties)


@dataclass
class Staged:
    """Data files written for one append and not committed yet (``stage_rows``)."""

    table: Any
    data_files: list

    def commit(self, properties: dict[str, str] | None = None) -> None:
        def commit() -> None:  # a busy catalog refused it: nothing was committed, append again
            append = self.table.newAppend()
            for data_file in self.data_files:
                append.appendFile(data_file)
            for key, value in (properties or {}).items():
                append.set(key, value)
            append.commit()

        retry_when_busy(commit)

    def discard(self) -> None:
        """Delete the written files (best effort: an uncommitted file is never read, only stored)."""
        io = self.table.io()
        for data_file in self.data_files:
            try:
                io.deleteFile(data_file.location())
            except Exception:  # noqa: BLE001 - orphan-file removal finds what is left
                pass


def stage_rows(spark, identifier: str, columns: Sequence[str], rows: Sequence[tuple]) -> Staged:
    """``append_rows`` up to the commit: the data files are written, ``Staged.commit`` commits them."""
    try:
        table = iceberg_java.load_table(spark, identifier)
    except Exception as error:  # noqa: BLE001 - missing table (or namespace): the caller sets it up
        raise NotReady(f"{identifier}: {type(error).__name__}") from error
    schema = table.schema()
    types = _column_types(spark, schema)
    missing = [name for name in columns if name not in types]
    if missing:
        raise NotReady(f"{identifier} lacks column(s) {missing}")
    records = _records(spark, schema, types, columns, rows)
    return Staged(table, _write_files(spark, table, schema, records))


def _column_types(spark, schema) -> dict[str, str]:
    """Top-level column name → Iceberg type name (``long``, ``timestamptz``, ``decimal(9, 2)`` …)."""
    described = json.loads(java_static(spark, "org.apache.iceberg.SchemaParser.toJson")(schema))
    return {
        field["name"]: field["type"] if isinstance(field["type"], str) else field["type"]["type"]
        for field in described["fields"]
    }


def _records(spark, schema, types: dict[str, str], columns: Sequence[str], rows: Sequence[tuple]) -> list:
    plain, temporal, direct = [], [], []
    for row in rows:
        values, later, now = {}, [], []
        for name, value in zip(columns, row, strict=True):
            if value is None:
                continue
            kind = types[name]
            if kind in _JSON_TYPES:
                values[name] = float(value) if kind == "double" else value
            elif kind in _TEMPORAL_TYPES:
                later.append((name, kind, value))
            elif kind == "int":  # py4j's own int is a Java Integer
                now.append((name, value))
            else:
                raise ValueError(
                    f"evidence column {name} has Iceberg type {kind}, which evidence never writes"
                )
        plain.append(values)
        temporal.append(later)
        direct.append(now)
    list_class = iceberg_java.per_jvm(
        spark,
        "class-object:java.util.List",
        lambda: java_static(spark, "java.lang.Class.forName")("java.util.List"),
    )
    maps = _mapper(spark).readValue(json.dumps(plain), list_class)
    empty = java_static(spark, "org.apache.iceberg.data.GenericRecord.create")(schema)
    records = []
    for index, (later, now) in enumerate(zip(temporal, direct, strict=True)):
        values = maps.get(index)
        for name, kind, value in later:
            values.put(name, _java_time(spark, kind, value))
        for name, value in now:
            values.put(name, value)
        records.append(empty.copy(values))
    return records


def _mapper(spark):
    """Jackson reading ints as Long (Iceberg's long columns) and NaN / Infinity as doubles."""

    def build():
        mapper = java_class(spark, "com.fasterxml.jackson.databind.ObjectMapper")()
        mapper.enable(
            java_class(spark, "com.fasterxml.jackson.databind.DeserializationFeature").USE_LONG_FOR_INTS
        )
        features = java_class(spark, "com.fasterxml.jackson.core.JsonParser.Feature")
        return mapper.configure(features.ALLOW_NON_NUMERIC_NUMBERS, True)

    return iceberg_java.per_jvm(spark, "evidence-json-mapper", build)


def _java_time(spark, kind: str, value: Any):
    if kind == "date":
        day = value.date() if isinstance(value, datetime) else value
        if not isinstance(day, date):
            raise ValueError(f"expected a date, got {value!r}")
        return java_static(spark, "java.time.LocalDate.parse")(day.isoformat())
    if not isinstance(value, datetime):
        raise ValueError(f"expected a datetime, got {value!r}")
    instant = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if kind == "timestamptz":
        return java_static(spark, "java.time.OffsetDateTime.parse")(instant.isoformat())
    return java_static(spark, "java.time.LocalDateTime.parse")(instant.replace(tzinfo=None).isoformat())


def _write_files(spark, table, schema, records: list) -> list:
    """One data file per partition the records fall into (evidence rows: usually one)."""
    iceberg = "org.apache.iceberg."
    spec, properties = table.spec(), table.properties()
    file_format = java_static(spark, iceberg + "FileFormat.fromString")(
        properties.getOrDefault("write.format.default", "parquet")
    )
    writers = java_class(spark, iceberg + "data.GenericAppenderFactory")(schema, spec).setAll(properties)
    files = (
        java_static(spark, iceberg + "io.OutputFileFactory.builderFor")(table, 0, 0)
        .format(file_format)
        .build()
    )
    groups: dict[str, tuple[Any, list]] = {}
    if spec.isUnpartitioned():
        groups[""] = (None, records)
    else:
        key = java_class(spark, iceberg + "PartitionKey")(spec, schema)
        internal = java_class(spark, iceberg + "data.InternalRecordWrapper")(schema.asStruct())
        for record in records:
            key.partition(internal.wrap(record))
            groups.setdefault(key.toPath(), (key.copy(), []))[1].append(record)
    data_files = []
    for partition, members in groups.values():
        output = files.newOutputFile() if partition is None else files.newOutputFile(spec, partition)
        writer = writers.newDataWriter(output, file_format, partition)
        try:
            for record in members:
                writer.write(record)
        finally:
            writer.close()
        data_files.append(writer.toDataFile())
    return data_files
