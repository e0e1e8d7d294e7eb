"""readStream options of available-now sources (docs/sources.md#available-now-streams-family-stream),
placeholders still unresolved.

Kafka: the plan normally carries the options already mapped by the compiler; the snake_case contract
fields are accepted too and must not contradict them. MSK IAM (``auth.type: msk_iam`` or
``kafka.sasl.mechanism: AWS_MSK_IAM``) adds SASL_SSL, the IAMLoginModule JAAS config and the
IAMClientCallbackHandler. Event Hubs: the native connector's ``eventhubs.*`` options. File streams:
the Spark file-source options.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from contractforge_runtime.environment.secrets import resolver_for

FILE_FORMATS = {"csv", "json", "jsonl", "ndjson", "parquet", "orc", "avro", "text"}
MSK_IAM_LOGIN = "software.amazon.msk.auth.iam.IAMLoginModule"
MSK_IAM_CALLBACK = "software.amazon.msk.auth.iam.IAMClientCallbackHandler"


class StreamSourceError(Exception):
    """The stream source is misconfigured."""


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
    resolver = resolver_for(run)
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


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
