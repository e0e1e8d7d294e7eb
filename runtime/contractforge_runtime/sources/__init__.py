"""Source registry: ``read_source(spark, source, sctx)`` dispatches on ``source["family"]``.

A reader is ``reader(source: dict, sctx: SourceContext) -> SourceResult``. Register one with
``@register("jdbc")`` in its module; modules listed in ``BUILTIN_MODULES`` are imported on first use
so a Glue job only imports the reader it needs (and a missing optional module fails clearly).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from contractforge_runtime.environment.context import RunContext

Reader = Callable[[dict, "SourceContext"], "SourceResult"]

# family → module that registers its reader when imported.
BUILTIN_MODULES: dict[str, str] = {
    "files": "contractforge_runtime.sources.files",
    "object_storage": "contractforge_runtime.sources.files",
    "incremental_files": "contractforge_runtime.sources.files",
    "catalog": "contractforge_runtime.sources.catalog",
    "sql": "contractforge_runtime.sources.catalog",
    "jdbc": "contractforge_runtime.sources.jdbc",
    "rest_api": "contractforge_runtime.sources.rest",
    "http_file": "contractforge_runtime.sources.http_file",
    "stream": "contractforge_runtime.sources.stream",
}

_READERS: dict[str, Reader] = {}


class SourceError(Exception):
    """A source cannot be read (missing path, unknown family, bad options): the run fails with it."""


@dataclass
class SourceContext:
    spark: Any  # SparkSession
    run: RunContext
    previous_state: dict | None  # latest ctrl_ingestion_state row of the target, or None
    evidence: Any  # evidence.store.EvidenceStore
    target_identifier: str
    plan: dict | None = None  # the whole run plan, for readers that need more than the source


@dataclass
class SourceResult:
    df: Any  # DataFrame, or None = no new input (→ SKIPPED / no_new_input)
    metadata: dict = field(default_factory=dict)  # source_metrics_json etc. (already redacted)
    watermark: dict | None = None  # {"column", "previous", "current"}; state advanced only after commit
    on_commit: Callable[[], None] | None = None  # e.g. record processed files; called after a committed write
    # added to the target commit's snapshot summary (write/commit_properties.py), e.g. the files
    # the commit consumed, so a run killed before on_commit can be reconciled from the snapshot
    commit_properties: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # the columns that order several versions of a key in the batch, later = larger (an incremental
    # JDBC / REST read: its watermark column); write.sequence_by overrides it (write/backlog.py)
    order_by: tuple[str, ...] = ()


def register(*families: str) -> Callable[[Reader], Reader]:
    """Decorator: ``@register("files", "object_storage")`` makes the function the reader of those families."""

    def decorate(reader: Reader) -> Reader:
        for family in families:
            _READERS[family] = reader
        return reader

    return decorate


def reader_for(family: str) -> Reader:
    if family not in _READERS and family in BUILTIN_MODULES:
        module = BUILTIN_MODULES[family]
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            raise SourceError(
                f"source family {family!r} needs {module}, which this runtime does not include"
            ) from None
    try:
        return _READERS[family]
    except KeyError:
        known = ", ".join(sorted(set(_READERS) | set(BUILTIN_MODULES)))
        raise SourceError(f"unknown source family {family!r}; known families: {known}") from None


def read_source(spark: Any, source: dict, sctx: SourceContext) -> SourceResult:
    family = source.get("family")
    if not family:
        raise SourceError(
            f"source {source.get('name') or source.get('type')!r} has no 'family' in the run plan"
        )
    result = reader_for(family)(source, sctx)
    if not isinstance(result, SourceResult):
        raise TypeError(f"reader for {family!r} returned {type(result).__name__}, not SourceResult")
    return result
