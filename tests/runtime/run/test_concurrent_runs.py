"""Two runs of the same step started at the same moment (one local session, two threads): exactly one
writes, the other is refused naming the holder, and the target holds each row once — with the local
SQLite lock store and with the DynamoDB lock store on moto through real boto3."""

from __future__ import annotations

import threading
import uuid

import boto3
import pytest
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.evidence.store import EvidenceStore
from contractforge_runtime.reliability.locks import LockHeld
from contractforge_runtime.run import run_plan

from tests.aws_fixtures import moto_server_fixtures
from tests.runtime.plan_factory import run_plan as make_plan

pytestmark = pytest.mark.slow
moto_server, moto = moto_server_fixtures()
LOCK_TABLE = "cf-race-locks"


def test_two_runs_at_the_same_moment_one_writes_the_other_is_refused(spark, tmp_path):
    _race(spark, tmp_path, {})


@pytest.mark.aws
def test_the_same_race_with_the_lock_store_on_dynamodb(spark, tmp_path, moto):
    dynamodb = boto3.client("dynamodb", region_name=moto.region, endpoint_url=moto.endpoint_url)
    dynamodb.create_table(  # as terraform/modules/locks creates it
        TableName=LOCK_TABLE,
        AttributeDefinitions=[{"AttributeName": "target", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "target", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    glue = boto3.client("glue", region_name=moto.region, endpoint_url=moto.endpoint_url)
    _race(spark, tmp_path, {"dynamodb": dynamodb, "glue": glue})
    assert dynamodb.scan(TableName=LOCK_TABLE)["Items"] == []  # the winner released its lock


def _race(spark, tmp_path, extra: dict) -> None:
    db = f"cf_race_{uuid.uuid4().hex[:8]}"
    landing = tmp_path / "s3" / "cf-test-bucket" / "landing" / db
    landing.mkdir(parents=True)
    (landing / "orders.csv").write_text("order_id,amount\n1,10\n2,20\n3,30\n")
    plan = make_plan(
        "orders",
        db,
        "b_orders",
        source={
            "type": "csv",
            "family": "files",
            "format": "csv",
            "path": f"s3://cf-test-bucket/landing/{db}/orders.csv",
            "options": {"header": "true"},
        },
        write={},
        preparation={"cast": {"order_id": "BIGINT", "amount": "DOUBLE"}},
    )
    plan["run"]["lock_table"] = LOCK_TABLE
    start = threading.Barrier(2)
    results = {}

    def one_run(name: str) -> None:
        ctx = RunContext.local("orders", s3_root=str(tmp_path / "s3"))
        ctx.extra.update(extra)
        start.wait()
        results[name] = run_plan(spark, plan, ctx, raise_on_failure=False)

    threads = [threading.Thread(target=one_run, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    by_status = {result.status: result for result in results.values()}
    assert sorted(by_status) == ["FAILED", "SUCCESS"]
    winner, refused = by_status["SUCCESS"], by_status["FAILED"]
    assert isinstance(refused.error, LockHeld)
    assert f"locked by run {winner.run_id}" in str(refused.error)
    target = plan["target"]["identifier"]
    assert sorted(r.order_id for r in spark.table(target).collect()) == [1, 2, 3]  # written once

    evidence = EvidenceStore(spark, plan["evidence"]["database"])
    runs = {(r.run_id, r.status) for r in evidence.read("ctrl_ingestion_runs").collect()}
    assert runs == {(winner.run_id, "SUCCESS"), (refused.run_id, "FAILED")}
    locks = {(r.run_id, r.status, r.holder) for r in evidence.read("ctrl_ingestion_locks").collect()}
    assert (refused.run_id, "REFUSED") in {(run_id, status) for run_id, status, _ in locks}
    errors = evidence.read("ctrl_ingestion_errors").collect()
    assert [e.run_id for e in errors] == [refused.run_id]
    assert winner.run_id in errors[0].error_message
