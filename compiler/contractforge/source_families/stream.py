"""Streams read available-now (one bounded micro-batch run per job): Kafka / MSK, Event Hubs, and
file streams (a files source with ``intent: file_stream`` and an available-now trigger).
Bounded ``*_bounded`` types are declared but not implemented (docs/sources.md#available-now-streams-family-stream)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contractforge.source_families.checks import SRC, require
from contractforge.source_families.family import ProblemSink, ReadKind, SectionInputs, SourceFamily
from contractforge.source_families.sections import json_text, options, plain
from contractforge.source_families.vocabulary import canonical_type, value_at

MSK_IAM_AUTH = ("msk_iam", "aws_msk_iam", "iam")
MSK_CONNECT_ACTIONS = ("kafka-cluster:Connect", "kafka-cluster:DescribeCluster")
MSK_TOPIC_ACTIONS = ("kafka-cluster:DescribeTopic", "kafka-cluster:ReadData")
MSK_GROUP_ACTIONS = ("kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup")


def _check_stream(problems: ProblemSink, source: dict[str, Any]) -> None:
    kind = canonical_type(source)
    if kind.startswith("kafka"):
        require(problems, source, kind, "bootstrap_servers")
        require(problems, source, kind, "topic", "topics", "assign")
        if source.get("max_offsets_per_trigger") is not None and value_at(
            source, "limits.max_offsets_per_trigger"
        ):
            problems.add(
                SRC + ("limits", "max_offsets_per_trigger"), "max_offsets_per_trigger is declared twice"
            )
    else:
        require(problems, source, kind, "connection_string")
        require(problems, source, kind, "event_hub_name")


def _stream_section(source: dict[str, Any], kind: ReadKind, inputs: SectionInputs) -> dict[str, Any]:
    spark_options = options(source.get("options"), drop=("checkpointLocation",))
    limits = source.get("limits") or {}
    if kind.format == "kafka":
        mapped = {
            "kafka.bootstrap.servers": source.get("bootstrap_servers"),
            "subscribe": source.get("topic")
            or (",".join(source["topics"]) if source.get("topics") else None),
            "assign": source.get("assign") if not (source.get("topic") or source.get("topics")) else None,
            "startingOffsets": source.get("starting_offsets") or limits.get("starting_offsets"),
            "endingOffsets": source.get("ending_offsets") or limits.get("ending_offsets"),
            "startingTimestamp": source.get("starting_timestamp"),
            "endingTimestamp": source.get("ending_timestamp"),
            "maxOffsetsPerTrigger": source.get("max_offsets_per_trigger")
            or limits.get("max_offsets_per_trigger"),
        }
    elif kind.format == "eventhubs":
        mapped = {
            "eventhubs.connectionString": source.get("connection_string"),
            "eventhubs.name": source.get("event_hub_name"),
            "eventhubs.startingPosition": source.get("starting_position") or limits.get("starting_position"),
            "eventhubs.endingPosition": source.get("ending_position") or limits.get("ending_position"),
            "maxEventsPerTrigger": source.get("max_events_per_trigger")
            or limits.get("max_events_per_trigger"),
        }
    else:  # file stream
        mapped = {}
    for key, value in mapped.items():
        if value is not None:
            spark_options[key] = value if isinstance(value, str) else json_text(value)
    plan: dict[str, Any] = {
        "format": kind.format,
        "options": dict(sorted(spark_options.items())),
        "checkpoint_location": kind.checkpoint_location,
        "trigger": "available_now",
    }
    if source.get("path"):
        plan["path"] = source["path"]
    if source.get("auth"):
        plan["auth"] = plain(source["auth"])  # e.g. MSK IAM; placeholders resolved at run time
    if source.get("read"):
        plan["read"] = plain(source["read"])  # e.g. max_files_per_trigger of file streams
    return plan


def _stream_notes(contract: dict[str, Any], source: dict[str, Any], kind: ReadKind) -> list:
    if not kind.available_now:
        return [("AWS_BOUNDED_STREAM_NOT_IMPLEMENTED", ("source", "type"), None)]
    notes: list = []
    if not kind.checkpoint_location:
        notes.append(("AWS_AVAILABLE_NOW_CHECKPOINT_REQUIRED", ("source",), None))
    if kind.format in ("kafka", "eventhubs"):
        message = f"the Spark {kind.format} connector jar must be supplied (dependencies.extra_jars)"
        notes.append(("AWS_SOURCE_CONNECTOR_PACKAGE_REQUIRED", ("source", "type"), message))
        notes.append(("AWS_STREAM_NOT_TESTABLE_LOCALLY", ("source", "type"), None))
    return notes


def _msk_iam_statements(run_plan: dict[str, Any], context: Any, statement: Callable[..., dict]) -> list[dict]:
    """MSK IAM access control for ``auth.type: msk_iam`` streams: connect to the cluster, read its
    topics (subscribe/assign), and manage the consumer groups Spark creates for the query."""
    source = run_plan.get("source") or {}
    auth = source.get("auth") or {}
    if str(auth.get("type", "")).lower() not in MSK_IAM_AUTH:
        return []
    cluster_arn = str(auth.get("cluster_arn") or "")
    prefix = f"arn:{context.partition}:kafka:{context.region}:{context.account_id}"
    if cluster_arn.startswith("arn:"):
        prefix, _, rest = cluster_arn.partition(":cluster/")
        cluster = rest or "*/*"
    else:
        cluster = "*/*"
    topics = str((source.get("options") or {}).get("subscribe") or source.get("topic") or "").split(",")
    topics = [t.strip() for t in topics if t.strip()] or ["*"]
    return [
        statement("MskIamConnect", MSK_CONNECT_ACTIONS, [f"{prefix}:cluster/{cluster}"]),
        statement("MskIamReadTopics", MSK_TOPIC_ACTIONS, [f"{prefix}:topic/{cluster}/{t}" for t in topics]),
        statement("MskIamConsumerGroups", MSK_GROUP_ACTIONS, [f"{prefix}:group/{cluster}/*"]),
    ]


STREAM = SourceFamily(
    name="stream",
    types=("kafka_bounded", "eventhubs_bounded", "kafka_available_now", "eventhubs_available_now"),
    check=_check_stream,
    limits={
        "kafka_bounded": ("starting_offsets", "ending_offsets", "max_offsets_per_trigger"),
        "kafka_available_now": ("starting_offsets", "max_offsets_per_trigger"),
        "eventhubs_bounded": ("starting_position", "ending_position", "max_events_per_trigger"),
        "eventhubs_available_now": ("starting_position", "max_events_per_trigger"),
    },
    section=_stream_section,
    notes=_stream_notes,
    reads_source_path=True,
    iam_statements=_msk_iam_statements,
)
