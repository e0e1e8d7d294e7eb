"""Files on S3 (one type per format), object storage by provider, and ``incremental_files``
(new files only, through Glue job bookmarks). ``intent: file_stream`` turns a files source into
``incremental_files`` or, with an available-now trigger, a file stream (``read_kind``)."""

from __future__ import annotations

from typing import Any

from contractforge.source_families.checks import check_format, require
from contractforge.source_families.family import ProblemSink, ReadKind, SectionInputs, SourceFamily
from contractforge.source_families.sections import options, plain
from contractforge.source_families.vocabulary import FILE_FORMATS, canonical_type, raw_type

BOOKMARK_FORMATS = ("csv", "json", "parquet", "orc", "avro")  # what our incremental reader runs
JAR_FORMATS = ("xml", "delta")
NON_S3_STORAGE = ("adls", "azure_blob", "gcs", "blob")


def is_non_s3_storage(source: dict[str, Any]) -> bool:
    kind = canonical_type(source)
    provider = str(source.get("provider") or "").lower()
    if kind in NON_S3_STORAGE or (kind == "object_storage" and provider not in ("", "s3", "aws")):
        return True
    path = str(source.get("path") or "")
    return "://" in path and not path.startswith(("s3://", "s3a://", "file://"))


def _check_files(problems: ProblemSink, source: dict[str, Any]) -> None:
    require(problems, source, raw_type(source), "path")
    check_format(problems, source, FILE_FORMATS)


def _check_object_storage(problems: ProblemSink, source: dict[str, Any]) -> None:
    kind = raw_type(source)
    require(problems, source, kind, "path")
    require(problems, source, kind, "format")
    check_format(problems, source, FILE_FORMATS)
    if kind in ("blob", "object_storage"):
        require(problems, source, kind, "provider")


def _check_incremental_files(problems: ProblemSink, source: dict[str, Any]) -> None:
    require(problems, source, "incremental_files", "path")
    require(problems, source, "incremental_files", "format")
    check_format(problems, source, FILE_FORMATS)


def files_section(
    source: dict[str, Any], kind: ReadKind, inputs: SectionInputs | None = None
) -> dict[str, Any]:
    return {
        "format": kind.format,
        "path": source.get("path"),
        "options": options(source.get("options"), drop=("schema",)),
        "read": plain(source.get("read")),
    }


def _files_notes(contract: dict[str, Any], source: dict[str, Any], kind: ReadKind) -> list:
    notes = []
    if kind.format in JAR_FORMATS:
        message = f"format {kind.format} needs a connector jar this product does not ship or test"
        notes.append(("AWS_SOURCE_FORMAT_JAR_REQUIRED", ("source", "format"), message))
    if is_non_s3_storage(source):
        notes.append(("AWS_SOURCE_NON_S3_OBJECT_STORAGE", ("source", "path"), None))
    return notes


def _incremental_notes(contract: dict[str, Any], source: dict[str, Any], kind: ReadKind) -> list:
    notes: list = [("AWS_INCREMENTAL_FILES_STRATEGY_REVIEW", ("source", "type"), None)]
    if kind.format not in BOOKMARK_FORMATS:
        message = f"incremental_files format '{kind.format}' is not one of {', '.join(BOOKMARK_FORMATS)}"
        notes.append(("AWS_INCREMENTAL_FILES_FORMAT_UNSUPPORTED", ("source", "format"), message))
    if is_non_s3_storage(source):
        notes.append(("AWS_SOURCE_NON_S3_OBJECT_STORAGE", ("source", "path"), None))
    return notes


_READS_FILES = {"section": files_section, "reads_source_path": True}
FILES = SourceFamily("files", FILE_FORMATS, _check_files, notes=_files_notes, **_READS_FILES)
OBJECT_STORAGE = SourceFamily(
    "object_storage", ("s3", "adls", "azure_blob", "gcs", "blob", "object_storage"), _check_object_storage,
    notes=_files_notes, **_READS_FILES,
)  # fmt: skip
INCREMENTAL_FILES = SourceFamily(
    "incremental_files", ("incremental_files",), _check_incremental_files, notes=_incremental_notes,
    glue_bookmarks=True, **_READS_FILES,
)  # fmt: skip
