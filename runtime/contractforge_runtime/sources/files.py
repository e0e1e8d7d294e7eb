"""File sources: files / object_storage (plain reads) and incremental_files (only new files).

incremental_files has two strategies with the same outcome (SKIPPED / no_new_input when nothing new):
- in Glue with ``bookmarks: true``: a DynamicFrame read with ``transformation_ctx`` (job bookmarks;
  ``job.commit()`` after the run advances them);
- otherwise (local runs, bookmarks off): a processed-files ledger, ``ctrl_ingestion_files`` in the
  evidence database. A file counts as new when its (path, size, modification time) was never
  recorded; files are recorded by ``on_commit``, i.e. only after the target write committed.
Both read CSV without schema inference (Glue's DynamicFrame CSV yields strings), so hashes and
casts behave the same in Glue and locally.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

from contractforge_runtime.evidence.commit_tags import FILES_PROPERTY
from contractforge_runtime.sources import SourceContext, SourceError, SourceResult, register
from contractforge_runtime.sources.filesystem import list_data_files, path_exists
from contractforge_runtime.sources.text_files import load_files

LEDGER_TABLE = "ctrl_ingestion_files"
MAX_FILES_IN_SNAPSHOT = 1000  # more: no recovery hint in the snapshot summary (kept small)
BOOKMARK_CONTEXT = "cf_incremental_files"
# Data sources that need a connector jar which plain Spark 3.5 does not ship (Glue provides avro/xml).
NEEDS_CONNECTOR = {"avro": "spark-avro", "xml": "spark-xml", "delta": "delta-spark"}
DROPPED_OPTIONS = ("schema",)


def reader_options(source: dict, incremental: bool = False) -> dict[str, str]:
    options = {
        k: _option_text(v) for k, v in (source.get("options") or {}).items() if k not in DROPPED_OPTIONS
    }
    if incremental:
        for key in ("inferSchema", "infer_schema"):
            options.pop(key, None)
    return options


def _option_text(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _spark_format(source: dict) -> str:
    fmt = (source.get("format") or "").lower()
    return {"jsonl": "json", "ndjson": "json"}.get(fmt, fmt)


def _load(spark, fmt: str, options: dict, paths: list[str], several_files: bool = True):
    try:
        return load_files(spark, fmt, options, paths, several_files)
    except Exception as exc:
        if fmt in NEEDS_CONNECTOR and "Failed to find data source" in str(exc):
            raise SourceError(
                f"format {fmt!r} needs the {NEEDS_CONNECTOR[fmt]} connector, which this Spark session does not "
                f"have (AWS Glue provides it; locally add its jar to spark.jars)"
            ) from exc
        raise


def _resolved_path(source: dict, sctx: SourceContext) -> tuple[str, str]:
    path = source.get("path")
    if not path:
        raise SourceError(f"source {source.get('type')!r} has no path")
    local = sctx.run.paths.resolve(path)
    if not path_exists(sctx.spark, local):
        where = f" (mapped locally to {local})" if local != path else ""
        raise SourceError(f"source path does not exist: {path}{where}")
    return path, local


def _warn_empty(files: list, path: str) -> list[str]:
    """0-byte files are empty input, not an error: named on the console and in the evidence."""
    names = [f.path.rsplit("/", 1)[-1] for f in files if f.size == 0]
    if names:
        print(f"contractforge: warning: skipping {len(names)} empty (0-byte) file(s) under {path}: "
              f"{', '.join(names[:20])}", file=sys.stderr)  # fmt: skip
    return names


@register("files", "object_storage")
def read_files(source: dict, sctx: SourceContext) -> SourceResult:
    path, local = _resolved_path(source, sctx)
    fmt = _spark_format(source)
    if any(ch in local for ch in "*?[{"):  # a glob: Spark expands it
        return SourceResult(df=_load(sctx.spark, fmt, reader_options(source), [local]),
                            metadata={"format": fmt, "path": path})  # fmt: skip
    files = list_data_files(sctx.spark, local)
    empty = _warn_empty(files, path)
    metadata = {"format": fmt, "path": path, **({"empty_files_skipped": empty[:100]} if empty else {})}
    if files and all(f.size == 0 for f in files):
        return SourceResult(df=None, metadata=metadata)  # only empty files: no input, the run skips
    paths = [f.path for f in files if f.size > 0] if empty else [local]
    df = _load(sctx.spark, fmt, reader_options(source), paths, len(files) - len(empty) > 1)
    return SourceResult(df=df, metadata=metadata)


@register("incremental_files")
def read_incremental_files(source: dict, sctx: SourceContext) -> SourceResult:
    glue = sctx.run.glue
    if sctx.run.is_glue and source.get("bookmarks") and glue is not None and glue.glue_context is not None:
        return _read_with_bookmarks(source, sctx)
    return _read_with_ledger(source, sctx)


def _read_with_ledger(source: dict, sctx: SourceContext) -> SourceResult:
    path = source.get("path")
    if not path:
        raise SourceError(f"source {source.get('type')!r} has no path")
    local = sctx.run.paths.resolve(path)
    if not path_exists(sctx.spark, local):
        # A landing prefix that is gone is the same as an empty one: nothing new to read.
        print(
            f"contractforge: warning: landing prefix {path} does not exist; treated as empty", file=sys.stderr
        )
        metadata = {"format": _spark_format(source), "path": path, "strategy": "processed_files_ledger",
                    "prefix_missing": True}  # fmt: skip
        return SourceResult(df=None, metadata=metadata)
    files = list_data_files(sctx.spark, local)
    seen = _ledger_keys(sctx)
    logical = {f.path: _logical_path(f.path, local, path) for f in files}
    new_files = [f for f in files if (logical[f.path], f.size, _ms(f.modified_at)) not in seen]
    empty = _warn_empty(new_files, path)
    new_files = [f for f in new_files if f.size > 0]
    metadata = {
        "format": _spark_format(source),
        "path": path,
        "strategy": "processed_files_ledger",
        "files_listed": len(files),
        "files_new": len(new_files),
        **({"empty_files_skipped": empty[:100]} if empty else {}),
    }
    if not new_files:
        return SourceResult(df=None, metadata=metadata)
    df = _load(
        sctx.spark,
        _spark_format(source),
        reader_options(source, incremental=True),
        [f.path for f in new_files],
        len(new_files) > 1,
    )

    def record_files() -> None:
        now = datetime.now(UTC)
        rows = [
            {
                "target_table": sctx.target_identifier,
                "file_path": logical[f.path],
                "file_size": f.size,
                "file_modified_at": f.modified_at,
                "run_id": sctx.run.run_id,
                "processed_at_utc": now,
            }
            for f in new_files
        ]
        sctx.evidence.append(LEDGER_TABLE, rows)

    metadata["files"] = [f.path.rsplit("/", 1)[-1] for f in new_files][:100]
    entries = [[logical[f.path], f.size, _ms(f.modified_at)] for f in new_files]
    properties = {FILES_PROPERTY: json.dumps(entries)} if len(entries) <= MAX_FILES_IN_SNAPSHOT else {}
    return SourceResult(df=df, metadata=metadata, on_commit=record_files, commit_properties=properties)


def _logical_path(physical: str, local_root: str, uri: str) -> str:
    """The file as the plan names it (s3://…), so the ledger does not depend on the local s3 root."""
    marker = local_root.rstrip("/")
    index = physical.find(marker) if local_root != uri else -1
    return physical if index == -1 else uri.rstrip("/") + physical[index + len(marker) :]


def _ms(moment: datetime) -> int:
    return int(round(moment.timestamp() * 1000))


def _ledger_keys(sctx: SourceContext) -> set[tuple[str, int, int]]:
    from pyspark.sql import functions as F

    rows = (
        sctx.evidence.read(LEDGER_TABLE)
        .where(F.col("target_table") == sctx.target_identifier)
        .select("file_path", "file_size", "file_modified_at")
        .collect()
    )
    return {
        (r.file_path, int(r.file_size or 0), _ms(_as_utc(r.file_modified_at)))
        for r in rows
        if r.file_modified_at is not None
    }


def _as_utc(moment: datetime) -> datetime:
    # collect() gives naive datetimes in the Python process's local zone; astimezone() reads them so.
    return moment.astimezone(UTC)


# ---- Glue job bookmarks ----------------------------------------------------------------------
_CSV_OPTION_NAMES = {
    "header": "withHeader",
    "withHeader": "withHeader",
    "delimiter": "separator",
    "sep": "separator",
    "quote": "quoteChar",
    "escape": "escaper",
}


def glue_format_options(fmt: str, options: dict) -> dict:
    """Spark reader options → DynamicFrame format_options
    (docs/sources.md#files-object-storage-and-incremental-files)."""
    translated = {}
    for key, value in options.items():
        if fmt == "csv":
            if key in ("inferSchema", "infer_schema"):
                continue
            key = _CSV_OPTION_NAMES.get(key, key)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            value = value.lower() == "true"
        translated[key] = value
    return translated


def _read_with_bookmarks(source: dict, sctx: SourceContext) -> SourceResult:
    fmt = _spark_format(source)
    frame = sctx.run.glue.glue_context.create_dynamic_frame.from_options(
        connection_type="s3",
        format=fmt,
        connection_options={"paths": [source["path"]], "recurse": True},
        format_options=glue_format_options(fmt, source.get("options") or {}),
        transformation_ctx=BOOKMARK_CONTEXT,
    )
    df = frame.toDF()
    metadata = {"format": fmt, "path": source["path"], "strategy": "glue_job_bookmarks"}
    # A bookmark with nothing new yields a frame with no columns (docs/sources.md).
    return SourceResult(df=df if df.columns else None, metadata=metadata)
