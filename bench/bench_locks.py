"""Lock acquire + release: the lock store (SQLite locally, DynamoDB on moto) versus the previous
lock-as-Iceberg-evidence-append protocol, side by side in one run.

Usage: python bench/bench_locks.py [--rounds 20] [--no-moto] [--no-iceberg]

- ``sqlite``: ``locks.acquire`` + ``Lock.release`` on ``SqliteLockStore`` (what ``run --local`` does);
- ``dynamodb (moto)``: the same on ``DynamoDbLockStore`` against moto's server over HTTP on
  loopback (real boto3; AWS adds its network round trips: ~3 requests per cycle);
- ``iceberg append (old)``: the protocol the runtime used before the lock store (up to commit
  9d713cd): append an ACQUIRED row to ``ctrl_ingestion_locks``, re-read the target's rows (the
  winner is the oldest live one), append a RELEASED row — two Iceberg commits and one table scan
  per cycle, on the embedded Spark + Iceberg (SQLite JDBC catalog) session.

The lock history rows the new protocol still writes go into the run's final evidence batch
(commits in parallel with state/lineage/metadata), so they are not counted as lock cost here.
Prints median and p90 milliseconds per cycle and the ratio old / new.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for path in (REPO / "compiler", REPO / "runtime", REPO):
    sys.path.insert(0, str(path))

from contractforge_runtime.reliability import locks  # noqa: E402
from contractforge_runtime.reliability.lock_sqlite import SqliteLockStore  # noqa: E402
from contractforge_runtime.reliability.lock_store import this_process  # noqa: E402

TARGET = "glue_catalog.bench_db.orders"


def measure(cycle: Callable[[int], None], rounds: int, warmup: int = 2) -> list[float]:
    for index in range(warmup):
        cycle(-1 - index)
    samples = []
    for index in range(rounds):
        began = time.perf_counter()
        cycle(index)
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def store_cycle(store) -> Callable[[int], None]:
    def cycle(index: int) -> None:
        locks.acquire(store, TARGET, this_process(f"bench-{index}-{uuid.uuid4().hex[:6]}")).release()

    return cycle


def dynamodb_store():
    import boto3

    sys.path.insert(0, str(REPO))
    from tests.aws_fixtures import shared_fake_aws

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    fake = shared_fake_aws()
    fake.reset()
    kwargs = {
        "region_name": fake.region,
        "endpoint_url": fake.endpoint_url,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    dynamodb = boto3.client("dynamodb", **kwargs)
    dynamodb.create_table(
        TableName="bench-locks",
        AttributeDefinitions=[{"AttributeName": "target", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "target", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    from contractforge_runtime.reliability.lock_dynamodb import DynamoDbLockStore

    return DynamoDbLockStore("bench-locks", dynamodb=dynamodb, glue=boto3.client("glue", **kwargs))


def iceberg_append_cycle(home: Path) -> Callable[[int], None]:
    """The previous protocol, as reliability/locks.py did it: append, re-read, append."""
    from contractforge.local.spark import get_local_spark
    from contractforge_runtime.evidence.schema import LOCKS
    from contractforge_runtime.evidence.store import EvidenceStore
    from pyspark.sql import functions as F

    spark = get_local_spark(home / "warehouse", home / "iceberg_catalog.sqlite")
    store = EvidenceStore(spark, f"bench_{uuid.uuid4().hex[:8]}")
    store.ensure([LOCKS])

    def row(run_id: str, status: str, now: datetime) -> dict:
        return {
            "target_table": TARGET,
            "run_id": run_id,
            "acquired_at_utc": now,
            "expires_at_utc": now + timedelta(minutes=60),
            "ttl_minutes": 60,
            "released_at_utc": now if status == "RELEASED" else None,
            "status": status,
        }

    def cycle(index: int) -> None:
        run_id, now = f"bench-{index}-{uuid.uuid4().hex[:6]}", datetime.now(UTC)
        store.append(LOCKS, [row(run_id, "ACQUIRED", now)])
        rows = store.read(LOCKS).filter(F.col("target_table") == TARGET).select("run_id", "status").collect()
        ended = {r.run_id for r in rows if r.status != "ACQUIRED"}
        live = [r.run_id for r in rows if r.status == "ACQUIRED" and r.run_id not in ended]
        assert live == [run_id], live
        store.append(LOCKS, [row(run_id, "RELEASED", datetime.now(UTC))])

    return cycle


def report(name: str, samples: list[float]) -> float:
    median = statistics.median(samples)
    p90 = statistics.quantiles(samples, n=10)[-1] if len(samples) >= 10 else max(samples)
    print(f"{name:<24} median {median:9.2f} ms   p90 {p90:9.2f} ms   ({len(samples)} cycles)")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-moto", action="store_true")
    parser.add_argument("--no-iceberg", action="store_true")
    args = parser.parse_args()
    medians = {}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        medians["sqlite"] = report(
            "sqlite (new, local)", measure(store_cycle(SqliteLockStore(home / "locks.sqlite")), args.rounds)
        )
        if not args.no_moto:
            medians["dynamodb"] = report(
                "dynamodb on moto (new)", measure(store_cycle(dynamodb_store()), args.rounds)
            )
        if not args.no_iceberg:
            old = iceberg_append_cycle(home)
            medians["iceberg"] = report("iceberg append (old)", measure(old, args.rounds))
    if "iceberg" in medians:
        for name in ("sqlite", "dynamodb"):
            if name in medians:
                print(
                    f"old iceberg-append lock / {name} lock store: {medians['iceberg'] / medians[name]:.0f}x"
                )


if __name__ == "__main__":
    main()
