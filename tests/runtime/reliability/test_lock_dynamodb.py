"""The AWS lock store on moto's DynamoDB (and Glue, for holder liveness) through real boto3."""

from __future__ import annotations

import threading

import boto3
import pytest
from contractforge_runtime.reliability import locks
from contractforge_runtime.reliability.lock_dynamodb import DynamoDbLockStore
from contractforge_runtime.reliability.lock_store import Holder, this_process

from tests.aws_fixtures import moto_server_fixtures

pytestmark = pytest.mark.aws
moto_server, moto = moto_server_fixtures()
TABLE = "cf-orders-locks"
TARGET = "glue_catalog.cf_x.orders"


def _client(moto, service: str):
    return boto3.client(service, region_name=moto.region, endpoint_url=moto.endpoint_url)


@pytest.fixture
def store(moto):
    dynamodb = _client(moto, "dynamodb")
    # The table as terraform/modules/locks creates it: key `target`, TTL on `expires_at`.
    dynamodb.create_table(
        TableName=TABLE,
        AttributeDefinitions=[{"AttributeName": "target", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "target", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.update_time_to_live(
        TableName=TABLE, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )
    return DynamoDbLockStore(TABLE, dynamodb=dynamodb, glue=_client(moto, "glue"))


def test_threads_racing_for_one_target_get_exactly_one_winner(moto, store):
    start, outcomes = threading.Barrier(6), {}

    def race(run_id: str) -> None:
        own = DynamoDbLockStore(TABLE, dynamodb=_client(moto, "dynamodb"), glue=store.glue)
        start.wait()
        try:
            locks.acquire(own, TARGET, Holder(run_id, job_name="cf-orders-bronze", job_run_id=f"jr_{run_id}"))
            outcomes[run_id] = "ACQUIRED"
        except locks.LockHeld as held:
            outcomes[run_id] = held.holder_run_id

    threads = [threading.Thread(target=race, args=(f"run-{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [run for run, outcome in outcomes.items() if outcome == "ACQUIRED"]
    assert len(winners) == 1 and len(outcomes) == 6
    assert {outcome for run, outcome in outcomes.items() if run != winners[0]} == {winners[0]}
    held = store.get(TARGET)
    assert held.holder.run_id == winners[0] and held.holder.job_run_id == f"jr_{winners[0]}"


def test_refusal_names_the_glue_job_run_and_release_frees_the_target(store):
    lock = locks.acquire(store, TARGET, Holder("run-1", job_name="cf-orders-bronze", job_run_id="jr_1"))
    with pytest.raises(
        locks.LockHeld, match=r"locked by run run-1 \(Glue job run jr_1 of job cf-orders-bronze\)"
    ):
        locks.acquire(store, TARGET, this_process("run-2"))
    assert [r.holder.run_id for r in store.records()] == ["run-1"]
    lock.release()
    assert store.get(TARGET) is None
    locks.acquire(store, TARGET, this_process("run-2")).release()


def test_a_holder_whose_glue_job_run_failed_is_taken_over(moto, store):
    glue = store.glue
    glue.create_job(
        Name="cf-orders-fail", Role="arn:aws:iam::123456789012:role/x", Command={"Name": "glueetl"}
    )
    run_id = glue.start_job_run(JobName="cf-orders-fail")["JobRunId"]
    holder = Holder("crashed", job_name="cf-orders-fail", job_run_id=run_id)
    locks.acquire(store, TARGET, holder)
    while glue.get_job_run(JobName="cf-orders-fail", RunId=run_id)["JobRun"]["JobRunState"] != "FAILED":
        pass  # moto moves the run on with each read (immediate transitions)
    taken = locks.acquire(store, TARGET, this_process("next-run"))
    row = taken.evidence_rows()[0]
    assert (row["run_id"], row["status"], row["released_by"]) == ("crashed", "TAKEN_OVER", "next-run")
    assert row["reason"] == f"Glue job run {run_id} of job cf-orders-fail is FAILED"
    current = store.get(TARGET).holder
    assert (current.run_id, current.job_run_id) == ("next-run", None)  # the dead run's fields removed


def test_a_running_glue_holder_is_not_taken_over(moto, store):
    moto.set_glue_transition("manual", times=1000)
    glue = store.glue
    glue.create_job(
        Name="cf-orders-bronze", Role="arn:aws:iam::123456789012:role/x", Command={"Name": "glueetl"}
    )
    run_id = glue.start_job_run(JobName="cf-orders-bronze")["JobRunId"]
    locks.acquire(store, TARGET, Holder("alive", job_name="cf-orders-bronze", job_run_id=run_id))
    with pytest.raises(locks.LockHeld, match="alive"):
        locks.acquire(store, TARGET, this_process("next-run"))


def test_an_expired_item_is_overwritten_and_operator_release_is_conditional(store):
    clock = [1_000_000.0]
    locks.acquire(store, TARGET, Holder("old", host="elsewhere", pid=1), ttl_minutes=1, now=lambda: clock[0])
    clock[0] += 120
    taken = locks.acquire(store, TARGET, this_process("new"), now=lambda: clock[0])
    assert [r["status"] for r in taken.evidence_rows()][0] == "EXPIRED"
    with pytest.raises(LookupError):
        locks.release_by_operator(store, TARGET, "old", "bob", "cleanup")
    row = locks.release_by_operator(store, TARGET, "new", "bob", "cleanup")
    assert row["status"] == "RELEASED_BY_OPERATOR" and store.get(TARGET) is None
