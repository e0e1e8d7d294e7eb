"""Iceberg tables of the local SQL catalog, read from their metadata files with the standard library.

``run --local`` keeps its catalog in an Iceberg JDBC catalog on SQLite: one row per table with the
location of its current metadata JSON. That JSON holds the current schema (field ids, names, types)
and every snapshot (id, time, summary, manifest list); the manifest list and manifests (Avro, see
avro_container) name the live data files. Nothing here imports pyiceberg, SQLAlchemy or Arrow.

A table whose current snapshot carries delete files (position deletes, deletion vectors, equality
deletes), or whose files are not local, raises ``NeedsFullReader``: its data files alone would show
rows that were deleted, so the caller reads it with pyiceberg instead.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contractforge.ops.avro_container import UnsupportedAvro, read_records

DELETED = 2  # manifest entry status: 0 existing, 1 added, 2 deleted
DATA = 0  # manifest / data file content: 0 data, 1 position deletes (or deletion vectors), 2 equality deletes
_DUCKDB_TYPES = {
    "string": "VARCHAR",
    "long": "BIGINT",
    "int": "INTEGER",
    "boolean": "BOOLEAN",
    "double": "DOUBLE",
    "float": "FLOAT",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "timestamptz": "TIMESTAMPTZ",
    "binary": "BLOB",
    "uuid": "UUID",
}


class NeedsFullReader(Exception):
    """The table cannot be read from its data files alone (the message says why)."""


@dataclass(frozen=True)
class Column:
    field_id: int
    name: str
    duckdb_type: str


@dataclass(frozen=True)
class TableFiles:
    columns: tuple[Column, ...]  # the current schema
    data_files: tuple[str, ...]  # local paths of the live data files of the current snapshot


def catalog_tables(catalog_db: Path, catalog_name: str, namespace: str) -> dict[str, str]:
    """Table name → metadata location, for one namespace of the SQLite catalog (opened read-only)."""
    connection = sqlite3.connect(f"file:{catalog_db.resolve()}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT table_name, metadata_location FROM iceberg_tables"
            " WHERE catalog_name = ? AND table_namespace = ?",
            (catalog_name, namespace),
        ).fetchall()
    except sqlite3.OperationalError:  # a catalog file without the table: nothing written yet
        rows = []
    finally:
        connection.close()
    return dict(rows)


def read_metadata(location: str) -> dict[str, Any]:
    return json.loads(Path(local_path(location)).read_text(encoding="utf-8"))


def snapshots(metadata: dict[str, Any]) -> list[dict[str, Any]]:
    """Every snapshot the metadata keeps: ``snapshot-id``, ``timestamp-ms``, ``summary`` …"""
    return list(metadata.get("snapshots") or [])


def table_files(metadata: dict[str, Any]) -> TableFiles:
    """The current schema and the live data files of the current snapshot."""
    schema = _current_schema(metadata)
    columns = tuple(Column(f["id"], f["name"], _duckdb_type(f)) for f in schema["fields"])
    current = metadata.get("current-snapshot-id")
    if current in (None, -1):
        return TableFiles(columns, ())
    snapshot = next(s for s in snapshots(metadata) if s["snapshot-id"] == current)
    if "manifest-list" not in snapshot:
        raise NeedsFullReader("a format-v1 snapshot without a manifest list")
    try:
        manifests = read_records(local_path(snapshot["manifest-list"]))
        files = []
        for manifest in manifests:
            if manifest.get("content", DATA) != DATA:
                raise NeedsFullReader("the current snapshot has delete files")
            for entry in read_records(local_path(manifest["manifest_path"])):
                data_file = entry["data_file"]
                if entry["status"] == DELETED:
                    continue
                if data_file.get("content", DATA) != DATA:
                    raise NeedsFullReader("the current snapshot has delete files")
                if str(data_file["file_format"]).upper() != "PARQUET":
                    raise NeedsFullReader(f"a {data_file['file_format']} data file")
                files.append(local_path(data_file["file_path"]))
    except UnsupportedAvro as exc:
        raise NeedsFullReader(str(exc)) from None
    return TableFiles(columns, tuple(files))


def local_path(uri: str) -> str:
    """``file:/x`` / ``file:///x`` / ``/x`` → ``/x``; other schemes need a file system this does not have."""
    if uri.startswith("file://"):
        return uri[len("file://") :]
    if uri.startswith("file:"):
        return uri[len("file:") :]
    if "://" in uri:
        raise NeedsFullReader(f"not a local file: {uri}")
    return uri


def _current_schema(metadata: dict[str, Any]) -> dict[str, Any]:
    if "schemas" in metadata:
        wanted = metadata.get("current-schema-id")
        return next(s for s in metadata["schemas"] if s.get("schema-id") == wanted)
    return metadata["schema"]  # format v1 without a schema list


def _duckdb_type(field: dict[str, Any]) -> str:
    kind = field["type"]
    if isinstance(kind, str) and kind in _DUCKDB_TYPES:
        return _DUCKDB_TYPES[kind]
    if isinstance(kind, str) and kind.startswith("decimal("):
        return kind.upper()
    raise NeedsFullReader(f"column {field['name']!r} of type {kind!r}")
