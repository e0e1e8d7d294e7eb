"""Source family ``stream``: available-now micro-batches (Kafka, MSK, Event Hubs, file streams).

``open_stream`` builds the streaming DataFrame; ``run_stream`` drives it with
``trigger(availableNow=True)`` + ``foreachBatch`` and a checkpoint, calling the runner's
``process_batch(df, batch_id)`` once per micro-batch (preparation, quality, write, streams evidence:
see run/stream.py). Everything new since the last checkpointed batch is processed, then the query
stops; a rerun with no new input processes zero batches (``StreamSummary.no_new_input``).

Options come from sources/stream_options.py. The Spark Kafka connector is not installable on the local
stack, so Kafka is verified at the level of rendered options only (docs/sources.md).

Note (docs/local-run.md#the-local-stack): foreachBatch runs in a cloned SparkSession; ``run_stream``
re-binds each
micro-batch to the job's session (``in_session``) so every catalog operation goes through one catalog.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contractforge_runtime.environment.secrets import resolver_for
from contractforge_runtime.sources import SourceResult, register
from contractforge_runtime.sources.stream_options import (
    StreamSourceError,
    checkpoint_location,
    source_options,
    stream_format,
)

TRIGGER = "available_now"


@dataclass
class BatchOutcome:
    """What ``process_batch`` reports for one micro-batch (it may also return a plain dict)."""

    rows_read: int = 0
    rows_written: int = 0
    rows_quarantined: int = 0
    quality_status: str | None = None


@dataclass
class StreamSummary:
    checkpoint_location: str
    source_format: str
    trigger: str = TRIGGER
    batch_ids: list[int] = field(default_factory=list)
    rows_read: int = 0
    rows_written: int = 0
    rows_quarantined: int = 0
    quality_statuses: list[str] = field(default_factory=list)
    duration_seconds: float = 0.0

    @property
    def batches(self) -> int:
        return len(self.batch_ids)

    @property
    def no_new_input(self) -> bool:
        return not self.batch_ids

    def record(self, batch_id: int, outcome: BatchOutcome) -> None:
        self.batch_ids.append(int(batch_id))
        self.rows_read += outcome.rows_read
        self.rows_written += outcome.rows_written
        self.rows_quarantined += outcome.rows_quarantined
        if outcome.quality_status:
            self.quality_statuses.append(outcome.quality_status)

    def describe(self) -> str:
        if self.no_new_input:
            return "no new input since the last checkpoint: 0 micro-batches processed"
        return (
            f"{self.batches} micro-batch(es): {self.rows_read} rows read, {self.rows_written} written, "
            f"{self.rows_quarantined} quarantined"
        )

    def metrics(self) -> dict[str, Any]:
        return {
            "stream_batches": self.batches,
            "stream_batch_ids": list(self.batch_ids),
            "stream_rows_read": self.rows_read,
            "stream_rows_written": self.rows_written,
            "stream_rows_quarantined": self.rows_quarantined,
            "contractforge_rows_written": self.rows_written,
            "stream_no_new_input": self.no_new_input,
            "stream_summary": self.describe(),
        }


# ------------------------------------------------------------------------------------------ streaming
def open_stream(spark: Any, source: Mapping[str, Any], run: Any = None) -> Any:
    """The streaming DataFrame (``spark.readStream``) with secrets resolved and s3:// paths mapped."""
    fmt = stream_format(source)
    resolver = resolver_for(run)
    options = resolver.resolve(source_options(source))
    if fmt == "eventhubs":
        options = encrypt_eventhubs_connection_string(spark, options)
    reader = spark.readStream.format(fmt)
    for key, value in options.items():
        reader = reader.option(key, value)
    if fmt in {"kafka", "eventhubs"}:
        return reader.load()
    path = source.get("path")
    if not path:
        raise StreamSourceError("file streams need source.path")
    paths = getattr(run, "paths", None)
    local_path = paths.resolve(str(path)) if paths is not None else str(path)
    schema = source.get("schema") or (source.get("read") or {}).get("schema")
    if schema is None and fmt != "text":
        schema = infer_file_schema(spark, fmt, local_path, options)
    if schema is not None:
        reader = reader.schema(schema)
    return reader.load(local_path)


def encrypt_eventhubs_connection_string(spark: Any, options: dict[str, str]) -> dict[str, str]:
    """azure-eventhubs-spark ≥ 2.3.15 wants the connection string encrypted with its own helper."""
    try:
        helper = spark.sparkContext._jvm.org.apache.spark.eventhubs.EventHubsUtils
        encrypted = helper.encrypt(options["eventhubs.connectionString"])
    except Exception:  # noqa: BLE001 - connector absent: Spark reports the missing source itself
        return options
    return {**options, "eventhubs.connectionString": encrypted}


def infer_file_schema(spark: Any, fmt: str, path: str, options: Mapping[str, str]) -> Any:
    """Without ``read.schema`` the schema is inferred once from the files already there."""
    reader = spark.read.format(fmt)
    for key, value in options.items():
        if key not in {"maxFilesPerTrigger", "latestFirst", "maxFileAge", "cleanSource"}:
            reader = reader.option(key, value)
    try:
        schema = reader.load(path).schema
    except Exception as exc:  # noqa: BLE001 - AnalysisException on an empty or missing directory
        raise StreamSourceError(
            f"cannot infer the schema of {path} ({type(exc).__name__}); declare source.read.schema "
            "(a DDL string) for file streams that may start empty"
        ) from None
    return schema


def in_session(spark: Any, batch_df: Any) -> Any:
    """The micro-batch re-bound to the job's own session.

    foreachBatch hands over a DataFrame of a *cloned* session with its own catalog instance. Writing
    through two catalog instances leaves one of them stale (docs/local-run.md#the-local-stack) and, with
    the local
    SQLite-backed catalog, the two connection pools lock each other out. Re-binding the batch (same
    rows, same schema, no Python round trip) keeps every catalog operation in one session.
    """
    from contractforge_runtime.environment.frames import detached

    if batch_df.sparkSession is spark:
        return batch_df
    return detached(batch_df, spark)


def _as_outcome(value: Any, df: Any) -> BatchOutcome:
    if isinstance(value, BatchOutcome):
        return value
    if isinstance(value, Mapping):
        return BatchOutcome(**{k: value[k] for k in BatchOutcome.__dataclass_fields__ if k in value})
    rows = df.count()
    return BatchOutcome(rows_read=rows, rows_written=rows)


def run_stream(
    spark: Any,
    source: Mapping[str, Any],
    process_batch: Callable[[Any, int], Any],
    ctx: Any = None,
) -> StreamSummary:
    """Process everything available now, one ``process_batch(df, batch_id)`` per micro-batch.

    An exception raised by ``process_batch`` stops the query and is re-raised as itself (not as
    Spark's StreamingQueryException), so the runner's failure evidence names the real error. The
    checkpoint only commits batches whose ``process_batch`` returned.
    """
    summary = StreamSummary(
        checkpoint_location=checkpoint_location(source, ctx), source_format=stream_format(source)
    )
    stream = open_stream(spark, source, ctx)
    failures: list[BaseException] = []

    def on_batch(batch_df: Any, batch_id: int) -> None:
        try:
            df = in_session(spark, batch_df)
            summary.record(batch_id, _as_outcome(process_batch(df, batch_id), df))
        except BaseException as error:
            failures.append(error)
            raise

    began = time.perf_counter()
    writer = (
        stream.writeStream.option("checkpointLocation", summary.checkpoint_location)
        .trigger(availableNow=True)
        .foreachBatch(on_batch)
    )
    query = writer.start()
    try:
        query.awaitTermination()
    except Exception:
        if failures:
            raise failures[0] from None
        raise
    finally:
        summary.duration_seconds = round(time.perf_counter() - began, 3)
    if failures:  # pragma: no cover - Spark always surfaces a failed batch through awaitTermination
        raise failures[0]
    return summary


@register("stream")
def read(source: Mapping[str, Any], sctx: Any) -> SourceResult:
    """The registry view of a stream: the unstarted streaming DataFrame (``df.isStreaming``).

    The runner must not batch-write it: it dispatches family ``stream`` to
    ``run.stream.run_stream_plan`` instead, which calls ``run_stream``.
    """
    df = open_stream(sctx.spark, source, sctx.run)
    resolver = resolver_for(sctx.run)
    metadata = resolver.redact(
        {
            "source_family": "stream",
            "format": stream_format(source),
            "options": source_options(source),
            "checkpoint_location": source.get("checkpoint_location"),
            "trigger": TRIGGER,
            "streaming": True,
        }
    )
    return SourceResult(df=df, metadata=metadata)
