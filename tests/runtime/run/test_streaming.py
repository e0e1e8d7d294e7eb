"""Available-now streams: Kafka/MSK/Event Hubs option rendering, and the file stream end to end.

No Spark Kafka connector can be installed on this machine (docs/local-run.md#the-local-stack), so
Kafka is checked at the level of the rendered readStream options; the foreachBatch path is exercised
for real by the file stream on local Spark + Iceberg.
"""

from __future__ import annotations

import json

import pytest
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.environment.secrets import SecretResolver, env_var_name
from contractforge_runtime.sources.stream_options import (
    MSK_IAM_CALLBACK,
    StreamSourceError,
    checkpoint_location,
    eventhubs_options,
    kafka_options,
    source_options,
)

from tests.runtime.plan_factory import run_plan as make_plan
from tests.spark_reset import drop_databases

JAAS = (
    'org.apache.kafka.common.security.plain.PlainLoginModule required username="$ConnectionString" '
    'password="{{ secret:contractforge-eventhubs/connection_string }}";'
)


# ------------------------------------------------------------------------------------- options (fast)
def test_kafka_options_from_contract_fields():
    source = {
        "type": "kafka_available_now",
        "bootstrap_servers": "ns.servicebus.windows.net:9093",
        "topic": "cf-orders",
        "starting_offsets": "earliest",
        "limits": {"max_offsets_per_trigger": 50},
        "options": {
            "kafka.security.protocol": "SASL_SSL",
            "kafka.sasl.mechanism": "PLAIN",
            "kafka.sasl.jaas.config": JAAS,
        },
    }
    assert kafka_options(source) == {
        "kafka.bootstrap.servers": "ns.servicebus.windows.net:9093",
        "kafka.sasl.jaas.config": JAAS,
        "kafka.sasl.mechanism": "PLAIN",
        "kafka.security.protocol": "SASL_SSL",
        "maxOffsetsPerTrigger": "50",
        "startingOffsets": "earliest",
        "subscribe": "cf-orders",
    }


def test_kafka_options_from_a_compiled_plan_and_conflicts():
    plan_source = {
        "family": "stream",
        "format": "kafka",
        "options": {"kafka.bootstrap.servers": "b:9092", "subscribe": "a,b", "maxOffsetsPerTrigger": "10"},
        "limits": {"max_offsets_per_trigger": 10},
        "checkpoint_location": "s3://ck/x/",
    }
    assert source_options(plan_source)["subscribe"] == "a,b"
    with pytest.raises(StreamSourceError, match="conflicts"):
        kafka_options({**plan_source, "limits": {"max_offsets_per_trigger": 99}})
    with pytest.raises(StreamSourceError, match="exactly one of topic/topics/assign"):
        kafka_options({"bootstrap_servers": "b:9092", "topic": "t", "options": {"assign": '{"t":[0]}'}})
    with pytest.raises(StreamSourceError, match="bootstrap_servers"):
        kafka_options({"topic": "t"})
    assign = kafka_options({"bootstrap_servers": "b:9092", "assign": {"t": [0, 1]}})
    assert assign["assign"] == '{"t": [0, 1]}' and "subscribe" not in assign


def test_msk_iam_options():
    source = {
        "type": "kafka_available_now",
        "bootstrap_servers": "boot-abc.c2.kafka-serverless.eu-west-1.amazonaws.com:9098",
        "topics": ["orders", "refunds"],
        "auth": {"type": "msk_iam", "role_arn": "arn:aws:iam::123456789012:role/reader"},
    }
    options = kafka_options(source)
    assert options["subscribe"] == "orders,refunds"
    assert options["kafka.security.protocol"] == "SASL_SSL"
    assert options["kafka.sasl.mechanism"] == "AWS_MSK_IAM"
    assert options["kafka.sasl.jaas.config"] == (
        'software.amazon.msk.auth.iam.IAMLoginModule required awsRoleArn="arn:aws:iam::123456789012:role/reader";'
    )
    assert options["kafka.sasl.client.callback.handler.class"] == MSK_IAM_CALLBACK
    by_mechanism = kafka_options(
        {"bootstrap_servers": "b:9098", "topic": "t", "options": {"kafka.sasl.mechanism": "AWS_MSK_IAM"}}
    )
    assert by_mechanism["kafka.sasl.jaas.config"] == "software.amazon.msk.auth.iam.IAMLoginModule required;"


def test_eventhubs_options_and_checkpoint_resolution(tmp_path):
    options = eventhubs_options(
        {
            "type": "eventhubs_available_now",
            "connection_string": "{{ secret:eh/conn }}",
            "event_hub_name": "orders",
            "starting_position": '{"offset": "-1"}',
            "max_events_per_trigger": 1000,
        }
    )
    assert options == {
        "eventhubs.connectionString": "{{ secret:eh/conn }}",
        "eventhubs.name": "orders",
        "eventhubs.startingPosition": '{"offset": "-1"}',
        "maxEventsPerTrigger": "1000",
    }
    run = RunContext.local("s", s3_root=str(tmp_path))
    run.secrets = SecretResolver.local(environ={env_var_name("ck", "bucket"): "my-bucket"}, secrets_file="/x")
    location = checkpoint_location({"checkpoint_location": "s3://{{ secret:ck/bucket }}/checkpoints/a/"}, run)
    assert location == str(tmp_path / "my-bucket" / "checkpoints" / "a") + "/"
    with pytest.raises(StreamSourceError, match="checkpoint_location"):
        checkpoint_location({}, run)


def test_overwrite_is_refused_for_streams():
    from contractforge_runtime.run.stream import StreamPlanError, run_stream_plan

    plan = make_plan(
        "s",
        "cf_stream_refuse",
        "t",
        source={
            "type": "json",
            "family": "stream",
            "format": "json",
            "options": {},
            "checkpoint_location": "s3://c/k/",
        },
        write={"mode": "scd0_overwrite"},
    )
    result = run_stream_plan(None, plan, RunContext.local("s"), raise_on_failure=False)
    assert isinstance(result.error, StreamPlanError) and "overwrite" in str(result.error)


# ------------------------------------------------------------------------------ file stream (slow)
def _events(ids, bad=(), changed=()):
    lines = []
    for i in ids:
        amount = None if i in bad else round(i * 1.5 + (1 if i in changed else 0), 2)
        lines.append(json.dumps({"event_id": i, "status": "new" if i % 2 else "priority", "amount": amount}))
    return "\n".join(lines) + "\n"


def _stream_plan(db: str) -> dict:
    return make_plan(
        "events_stream",
        db,
        "b_events",
        source={
            "type": "json",
            "family": "stream",
            "format": "json",
            "path": "s3://cf-test-bucket/landing/events/",
            "options": {"maxFilesPerTrigger": "1"},
            "read": {"schema": "event_id BIGINT, status STRING, amount DOUBLE"},
            "checkpoint_location": "s3://cf-test-bucket/checkpoints/events/",
            "trigger": "available_now",
        },
        write={"mode": "scd1_upsert", "merge_keys": ["event_id"]},
        preparation={"derive": {"amount_cents": "CAST(amount * 100 AS BIGINT)"}},
        rules=[
            {"name": "amount_not_null", "kind": "not_null", "columns": ["amount"], "severity": "quarantine"},
            {
                "name": "status_values",
                "kind": "accepted_values",
                "columns": ["status"],
                "values": ["new", "priority"],
                "severity": "quarantine",
            },
        ],  # fmt: skip
        on_quality_fail="quarantine",
    )


@pytest.mark.slow
def test_file_stream_available_now_three_rounds(spark, tmp_path):
    """Through run.run_plan, which dispatches family "stream" to run.stream."""
    from contractforge_runtime.run import run_plan

    db = "cf_test_stream_events"
    drop_databases(spark, db, f"{db}_ops")
    s3 = tmp_path / "s3"
    landing = s3 / "cf-test-bucket" / "landing" / "events"
    landing.mkdir(parents=True)
    checkpoint = s3 / "cf-test-bucket" / "checkpoints" / "events"
    plan = _stream_plan(db)
    # governance is recorded as in a batch run (run/finish.py): annotations applied, operations snapshot
    plan["metadata"]["annotations"] = {"table": {"description": "Events."},
                                       "columns": {"status": {"description": "Event status."}}}  # fmt: skip
    plan["metadata"]["operations"] = {"criticality": "high", "runbook_url": "https://wiki/events"}
    target = f"glue_catalog.{db}.b_events"

    # Round 1: two new files → two micro-batches (maxFilesPerTrigger=1).
    (landing / "part-1.json").write_text(_events(range(1, 61)))
    (landing / "part-2.json").write_text(_events(range(61, 101)))
    first = run_plan(spark, plan, RunContext.local("events", s3_root=str(s3)))
    assert (first.status, first.rows_read, first.rows_written, first.rows_quarantined) == (
        "SUCCESS",
        100,
        100,
        0,
    )
    assert first.operation_metrics["stream_batches"] == 2 and first.quality_status == "PASSED"
    assert spark.table(target).count() == 100
    assert (checkpoint / "commits" / "0").is_file() and (checkpoint / "commits" / "1").is_file()

    # Round 2: nothing new → zero batches, said out loud, target untouched.
    second = run_plan(spark, plan, RunContext.local("events", s3_root=str(s3)))
    assert (second.status, second.skip_reason, second.rows_written) == ("SKIPPED", "no_new_input", 0)
    assert second.operation_metrics["stream_batches"] == 0
    assert "0 micro-batches" in second.operation_metrics["stream_summary"]
    assert not (checkpoint / "commits" / "2").exists()

    # Round 3: one file with updates, new rows and 3 rows that quarantine.
    (landing / "part-3.json").write_text(
        _events([5, 6, 101, 102, 103, 104, 105], bad={103, 104, 105}, changed={5, 6})
    )
    third = run_plan(spark, plan, RunContext.local("events", s3_root=str(s3)))
    assert (third.status, third.quality_status) == ("SUCCESS", "QUARANTINED")
    assert (third.rows_read, third.rows_written, third.rows_quarantined) == (7, 4, 3)
    assert (third.rows_inserted, third.rows_updated) == (2, 2)
    assert spark.table(target).count() == 102
    assert spark.table(target).where("event_id = 102").first().amount_cents == 15300
    assert (checkpoint / "commits" / "2").is_file()

    ops = f"glue_catalog.{db}_ops"
    streams = spark.table(f"{ops}.ctrl_ingestion_streams").orderBy("started_at_utc").collect()
    assert [s.batch_id for s in streams] == ["0", "1", "2"]
    # Files of one round are taken oldest first; equal mtimes make the order of part-1/part-2 free.
    assert sorted((s.total_rows_read, s.total_rows_written) for s in streams[:2]) == [(40, 40), (60, 60)]
    assert (streams[2].total_rows_read, streams[2].total_rows_written, streams[2].total_rows_quarantined) == (
        7,
        4,
        3,
    )
    assert streams[2].stream_run_id == f"{third.run_id}:2" and streams[2].trigger == "available_now"
    assert streams[0].checkpoint_location == "s3://cf-test-bucket/checkpoints/events/"
    assert json.loads(streams[2].batch_metrics_json)["quality_status"] == "QUARANTINED"
    runs = spark.table(f"{ops}.ctrl_ingestion_runs").orderBy("started_at_utc").collect()
    assert [(r.status, r.rows_written) for r in runs] == [("SUCCESS", 100), ("SKIPPED", 0), ("SUCCESS", 4)]
    assert json.loads(runs[0].operation_metrics_json)["stream_batches"] == 2
    assert [r.annotations_status for r in runs] == ["APPLIED", "UNCHANGED", "UNCHANGED"]
    described = {r.col_name: r.comment for r in spark.sql(f"DESCRIBE TABLE {target}").collect()}
    assert described["status"] == "Event status."
    operations = spark.table(f"{ops}.ctrl_ingestion_operations").collect()
    assert sorted(o.run_id for o in operations) == sorted(r.run_id for r in runs)
    assert {(o.criticality, o.runbook_url) for o in operations} == {("high", "https://wiki/events")}
    quarantine = spark.table(f"{ops}.ctrl_ingestion_quarantine").collect()
    assert len(quarantine) == 3 and {q.run_id for q in quarantine} == {third.run_id}
    states = spark.table(f"{ops}.ctrl_ingestion_state").orderBy("last_updated_at_utc").collect()
    assert [s.last_status for s in states] == ["SUCCESS", "SKIPPED", "SUCCESS"]
    locks = spark.table(f"{ops}.ctrl_ingestion_locks").groupBy("status").count().collect()
    assert {r.status: r["count"] for r in locks} == {"ACQUIRED": 3, "RELEASED": 3}
