"""Source family ``stream``: available-now micro-batches (Kafka, MSK, Event Hubs, file streams).

``open_stream`` builds the streaming DataFrame; ``run_stream`` drives it with
``trigger(availableNow=True)`` + ``foreachBatch`` and a checkpoint, calling the runner's
``process_batch(df, batch_id)`` once per micro-batch (preparation, quality, write, streams evidence:
see stream_runner.py). Everything new since the last checkpointed batch is processed, then the query
stops; a rerun with no new input processes zero batches (``StreamSummary.no_new_input``).

Kafka options follow reference §1.11.9 (the plan normally carries them already mapped in
``options``; the snake_case contract fields are accepted too). MSK IAM (``auth.type: msk_iam`` or
``kafka.sasl.mechanism: AWS_MSK_IAM``) adds SASL_SSL, the IAMLoginModule JAAS config and the
IAMClientCallbackHandler. The Spark Kafka connector is not installable on the local stack, so Kafka
is verified at the level of rendered options only (docs/sources.md).

Note (local-stack §3.3): foreachBatch runs in a cloned SparkSession; ``run_stream`` re-binds each
micro-batch to the job's session (``in_session``) so every catalog operation goes through one catalog.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contractforge_runtime.secrets import SecretResolver
from contractforge_runtime.sources import SourceResult, register

FILE_FORMATS = {"csv", "json", "jsonl", "ndjson", "parquet", "orc", "avro", "text"}
MSK_IAM_LOGIN = "software.amazon.msk.auth.iam.IAMLoginModule"
MSK_IAM_CALLBACK = "software.amazon.msk.auth.iam.IAMClientCallbackHandler"
TRIGGER = "available_now"


class StreamSourceError(Exception):
    """The stream source is misconfigured."""


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


# ------------------------------------------------------------------------------------- option builders
def stream_format(source: Mapping[str, Any]) -> str:
    fmt = str(source.get("format") or "").lower()
    kind = str(source.get("type") or "").lower()
    if not fmt:
        fmt = "kafka" if kind.startswith("kafka") else "eventhubs" if kind.startswith("eventhubs") else ""
    if fmt in {"jsonl", "ndjson"}:
        return "json"
    if fmt not in {"kafka", "eventhubs"} | FILE_FORMATS:
        raise StreamSourceError(f"stream format must be kafka, eventhubs or a file format, got {fmt!r}")
    return fmt


def _set(options: dict[str, str], key: str, value: Any, origin: str) -> None:
    if value is None or value == "":
        return
    text = json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else _text(value)
    if key in options and options[key] != text:
        raise StreamSourceError(f"{origin} conflicts with options.{key} ({options[key]!r} vs {text!r})")
    options[key] = text


def kafka_options(source: Mapping[str, Any]) -> dict[str, str]:
    """Spark Kafka source options (placeholders still unresolved)."""
    options = {
        str(k): _text(v) for k, v in (source.get("options") or {}).items() if k != "checkpointLocation"
    }
    limits = source.get("limits") or {}
    _set(options, "kafka.bootstrap.servers", source.get("bootstrap_servers"), "bootstrap_servers")
    topics = source.get("topic") or (",".join(source["topics"]) if source.get("topics") else None)
    _set(options, "subscribe", topics, "topic/topics")
    if not topics:
        _set(options, "assign", source.get("assign"), "assign")
    _set(options, "startingOffsets", source.get("starting_offsets") or limits.get("starting_offsets"),
         "starting_offsets")  # fmt: skip
    _set(options, "startingTimestamp", source.get("starting_timestamp"), "starting_timestamp")
    _set(options, "maxOffsetsPerTrigger", source.get("max_offsets_per_trigger"), "max_offsets_per_trigger")
    _set(
        options,
        "maxOffsetsPerTrigger",
        limits.get("max_offsets_per_trigger"),
        "limits.max_offsets_per_trigger",
    )
    options.update(msk_iam_options(source.get("auth") or {}, options))
    if not options.get("kafka.bootstrap.servers"):
        raise StreamSourceError("kafka stream needs bootstrap_servers (kafka.bootstrap.servers)")
    subscriptions = [k for k in ("subscribe", "subscribePattern", "assign") if options.get(k)]
    if len(subscriptions) != 1:
        raise StreamSourceError(
            f"kafka stream needs exactly one of topic/topics/assign, got {subscriptions or 'none'}"
        )
    options.pop("endingOffsets", None)  # meaningless for a stream; available-now stops at the latest offsets
    return dict(sorted(options.items()))


def msk_iam_options(auth: Mapping[str, Any], options: Mapping[str, str]) -> dict[str, str]:
    """Amazon MSK IAM access control (aws-msk-iam-auth on the Glue classpath)."""
    wants_iam = str(auth.get("type") or "").lower() in {"msk_iam", "aws_msk_iam", "iam"}
    wants_iam = wants_iam or str(options.get("kafka.sasl.mechanism") or "").upper() == "AWS_MSK_IAM"
    if not wants_iam:
        return {}
    jaas = f"{MSK_IAM_LOGIN} required"
    if auth.get("role_arn"):
        jaas += f' awsRoleArn="{auth["role_arn"]}"'
        if auth.get("role_session_name"):
            jaas += f' awsRoleSessionName="{auth["role_session_name"]}"'
    jaas += ";"
    rendered = {
        "kafka.security.protocol": "SASL_SSL",
        "kafka.sasl.mechanism": "AWS_MSK_IAM",
        "kafka.sasl.jaas.config": jaas,
        "kafka.sasl.client.callback.handler.class": MSK_IAM_CALLBACK,
    }
    return {k: options.get(k) or v for k, v in rendered.items()}


def eventhubs_options(source: Mapping[str, Any]) -> dict[str, str]:
    options = {
        str(k): _text(v) for k, v in (source.get("options") or {}).items() if k != "checkpointLocation"
    }
    limits = source.get("limits") or {}
    _set(options, "eventhubs.connectionString", source.get("connection_string"), "connection_string")
    _set(options, "eventhubs.name", source.get("event_hub_name"), "event_hub_name")
    _set(options, "eventhubs.startingPosition", source.get("starting_position") or limits.get("starting_position"),
         "starting_position")  # fmt: skip
    _set(options, "maxEventsPerTrigger", source.get("max_events_per_trigger") or limits.get("max_events_per_trigger"),
         "max_events_per_trigger")  # fmt: skip
    if not options.get("eventhubs.connectionString"):
        raise StreamSourceError("eventhubs stream needs connection_string (eventhubs.connectionString)")
    return dict(sorted(options.items()))


def file_stream_options(source: Mapping[str, Any]) -> dict[str, str]:
    options = {str(k): _text(v) for k, v in (source.get("options") or {}).items()}
    options.pop("checkpointLocation", None)
    options.pop("schema", None)
    read = source.get("read") or {}
    if read.get("max_files_per_trigger") and "maxFilesPerTrigger" not in options:
        options["maxFilesPerTrigger"] = str(read["max_files_per_trigger"])
    return dict(sorted(options.items()))


def source_options(source: Mapping[str, Any]) -> dict[str, str]:
    """The readStream options for the source's format (unresolved placeholders)."""
    fmt = stream_format(source)
    if fmt == "kafka":
        return kafka_options(source)
    if fmt == "eventhubs":
        return eventhubs_options(source)
    return file_stream_options(source)


def checkpoint_location(source: Mapping[str, Any], run: Any = None) -> str:
    location = source.get("checkpoint_location") or (source.get("options") or {}).get("checkpointLocation")
    if not location:
        raise StreamSourceError("available-now streams need source.checkpoint_location")
    resolver = _resolver(run)
    location = resolver.resolve(str(location))
    paths = getattr(run, "paths", None)
    return paths.resolve(location) if paths is not None else location


def stream_label(source: Mapping[str, Any]) -> str | None:
    """What the stream reads, for evidence: topic(s), event hub or path."""
    options = source.get("options") or {}
    return (
        source.get("topic")
        or (",".join(source["topics"]) if source.get("topics") else None)
        or options.get("subscribe")
        or options.get("subscribePattern")
        or options.get("assign")
        or source.get("event_hub_name")
        or options.get("eventhubs.name")
        or source.get("path")
    )


# ------------------------------------------------------------------------------------------ streaming
def open_stream(spark: Any, source: Mapping[str, Any], run: Any = None) -> Any:
    """The streaming DataFrame (``spark.readStream``) with secrets resolved and s3:// paths mapped."""
    fmt = stream_format(source)
    resolver = _resolver(run)
    options = resolver.resolve(source_options(source))
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
    through two catalog instances leaves one of them stale (local-stack §3.3) and, with the local
    SQLite-backed catalog, the two connection pools lock each other out. Re-binding the batch (same
    rows, same schema, no Python round trip) keeps every catalog operation in one session.
    """
    from pyspark.sql import DataFrame

    if batch_df.sparkSession is spark:
        return batch_df
    jdf = spark._jsparkSession.createDataFrame(batch_df._jdf.rdd(), batch_df._jdf.schema())
    return DataFrame(jdf, spark)


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
    ``stream_runner.run_stream_plan`` instead, which calls ``run_stream``.
    """
    df = open_stream(sctx.spark, source, getattr(sctx, "run", None))
    resolver = _resolver(getattr(sctx, "run", None))
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


def _resolver(run: Any) -> SecretResolver:
    if run is not None and hasattr(run, "secret_resolver"):
        return run.secret_resolver()
    return SecretResolver.for_runtime(getattr(run, "runtime_type", "local"))


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
