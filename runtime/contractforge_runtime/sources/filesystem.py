"""File listing through Hadoop's FileSystem API, so the same code lists local dirs and s3:// in Glue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from contractforge_runtime.environment.iceberg_java import java_class


@dataclass(frozen=True)
class FileEntry:
    path: str  # fully qualified (file:/..., s3://...)
    size: int
    modified_at: datetime  # UTC


def _hadoop_path(spark, path: str):
    hpath = java_class(spark, "org.apache.hadoop.fs.Path")(path)
    return hpath, hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())


def path_exists(spark, path: str) -> bool:
    """True when the path (or, for a glob, at least one match) exists."""
    hpath, fs = _hadoop_path(spark, path)
    if any(ch in path for ch in "*?[{"):
        matches = fs.globStatus(hpath)
        return matches is not None and len(matches) > 0
    return bool(fs.exists(hpath))


def _hidden(relative: str) -> bool:
    # Spark's own rule for data files: names starting with "_" or "." are metadata (e.g. _SUCCESS).
    return any(part.startswith(("_", ".")) for part in relative.split("/") if part)


def list_data_files(spark, root: str) -> list[FileEntry]:
    """Every visible data file under ``root`` (recursively), sorted by path for determinism."""
    hpath, fs = _hadoop_path(spark, root)
    status = fs.getFileStatus(hpath)
    if status.isFile():
        return [_entry(status)]
    qualified_root = str(fs.makeQualified(hpath).toString()).rstrip("/")
    entries = []
    iterator = fs.listFiles(hpath, True)
    while iterator.hasNext():
        status = iterator.next()
        full = str(status.getPath().toString())
        if not _hidden(full[len(qualified_root) :]):
            entries.append(_entry(status))
    return sorted(entries, key=lambda e: e.path)


def _entry(status) -> FileEntry:
    modified = datetime.fromtimestamp(status.getModificationTime() / 1000.0, tz=UTC)
    return FileEntry(str(status.getPath().toString()), int(status.getLen()), modified)
