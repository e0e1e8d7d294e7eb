"""``contractforge locks``: the live locks of a project with their holders, and a deliberate release
recorded in the evidence (local store + local catalog; the AWS store is covered on moto in
tests/runtime/reliability/test_lock_dynamodb.py and tests/terraform/test_gitops_loop_on_moto.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
from contractforge.api import plan_project
from contractforge.cli.main import main
from contractforge.ops import locks as ops_locks
from contractforge_runtime.reliability import locks
from contractforge_runtime.reliability.lock_store import Holder, process_start, this_process

from tests.conftest import REPO_ROOT

PROJECT = REPO_ROOT / "examples" / "orders-medallion"


@pytest.fixture(scope="module")
def plan():
    return plan_project(str(PROJECT))


def _target(plan, step: str) -> str:
    return next(s.run_plan["target"]["identifier"] for s in plan.steps if s.name == step)


def test_locks_lists_live_expired_and_gone_holders(plan, tmp_path, capsys):
    home = tmp_path / ".contractforge"
    store = ops_locks.local_store(home)
    locks.acquire(
        store, _target(plan, "bronze_orders"), this_process("run-live", "orders_medallion-bronze_orders")
    )
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    gone = Holder(
        "run-gone", host=this_process("x").host, pid=sleeper.pid, pid_started=process_start(sleeper.pid)
    )
    locks.acquire(store, _target(plan, "silver_orders"), gone)
    sleeper.kill()
    sleeper.wait()
    locks.acquire(store, "glue_catalog.other_project.table", this_process("not-ours"))

    assert main(["locks", str(PROJECT), "--local", "--home", str(home), "--json"]) == 0
    listed = {lock["run_id"]: lock for lock in json.loads(capsys.readouterr().out)["locks"]}
    assert set(listed) == {"run-live", "run-gone"}
    assert listed["run-live"]["state"] == "LIVE" and listed["run-live"]["holder"].startswith("pid ")
    assert listed["run-gone"]["state"] == "HOLDER_GONE" and "is gone" in listed["run-gone"]["note"]

    assert main(["locks", str(PROJECT), "--local", "--home", str(home)]) == 0
    text = capsys.readouterr().out
    assert "run run-live (pid " in text and " since " in text and "[LIVE]" in text


def test_release_needs_a_run_id_and_a_reason(tmp_path, capsys):
    code = main(
        ["locks", "release", "bronze_orders", "--project", str(PROJECT), "--local", "--home", str(tmp_path)]
    )
    assert code == 2 and "--run-id and --reason" in capsys.readouterr().err


@pytest.mark.slow
def test_release_deletes_only_the_named_holder_and_records_who_and_why(plan, spark, tmp_path):
    from contractforge.ops.sql_backends import SparkBackend
    from contractforge_runtime.evidence.store import EvidenceStore

    database = f"cf_locks_{uuid.uuid4().hex[:8]}"
    EvidenceStore(spark, database).ensure(["ctrl_ingestion_locks"])
    store = ops_locks.local_store(tmp_path)
    target = _target(plan, "bronze_orders")
    locks.acquire(store, target, this_process("stuck-run"))
    backend = SparkBackend(spark, database)
    with pytest.raises(LookupError, match="held by run stuck-run"):
        ops_locks.release_lock(plan, store, backend, "bronze_orders", "other-run", "wrong", "alice@host")
    row = ops_locks.release_lock(
        plan, store, backend, "bronze_orders", "stuck-run", "hung read", "alice@host"
    )
    assert row["status"] == "RELEASED_BY_OPERATOR" and store.get(target) is None
    recorded = spark.table(f"glue_catalog.{database}.ctrl_ingestion_locks").collect()
    assert [(r.run_id, r.status, r.released_by, r.reason) for r in recorded] == [
        ("stuck-run", "RELEASED_BY_OPERATOR", "alice@host", "hung read")
    ]
