"""Two simultaneous local runs of one step, in two processes, on a first deploy (no evidence table,
no target yet; slow tier): exactly one writes, the other is refused naming the holder — never a raw
SQLITE_BUSY or Java error — and the evidence records both (SUCCESS and FAILED, a REFUSED lock row).

Whichever process takes the lock pauses in its write stage (``CONTRACTFORGE_PAUSE_AT``,
reliability/faults.py) until the other one has exited (``CONTRACTFORGE_PAUSE_UNTIL``: the test then
creates the release file), so the two runs overlap however the machine schedules their start-up.
"""

from __future__ import annotations

import time

import pytest

from tests.runtime.reliability import crash_project as cp
from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow

STEP = "f_hash"
ENGINE_NOISE = ("SQLITE_BUSY", "Py4JJavaError", "java.lang.", "An error occurred while calling")


def test_one_writer_one_clean_refusal(spark, tmp_path):
    drop_databases(spark, cp.EVIDENCE_DB, "cf_fault_bronze")
    project = cp.write(tmp_path / "project")
    rows = {1: "a", 2: "b", 3: "c"}
    cp.stage(tmp_path, tmp_path / "s3", STEP, "first", rows)
    release = tmp_path / "release"
    pause = {"CONTRACTFORGE_PAUSE_AT": "write", "CONTRACTFORGE_PAUSE_UNTIL": str(release),
             "CONTRACTFORGE_PAUSE_SECONDS": "600"}  # fmt: skip
    runners = [cp.child(cp.warehouse_of(spark), project, tmp_path / "s3", STEP, **pause) for _ in range(2)]
    deadline = time.monotonic() + 900
    while all(runner.poll() is None for runner in runners) and time.monotonic() < deadline:
        time.sleep(0.2)  # the refused run ends first
    release.touch()  # the lock holder, paused in its write stage, goes on
    results = [cp.outcome(runner) for runner in runners]
    for code, outcome, text in results:
        assert code == 0 and outcome is not None, text[-3000:]
    outcomes = sorted((o for _, o, _ in results), key=lambda o: o["status"])
    refused, writer = outcomes
    assert (refused["status"], writer["status"]) == ("FAILED", "SUCCESS"), outcomes
    message = refused["error_message"]
    assert f"is locked by run {writer['run_id']}" in message, message
    assert not any(noise in message for noise in ENGINE_NOISE), message

    target = spark.table(cp.target(STEP))
    assert sorted((r.id, r.v) for r in target.collect()) == sorted(rows.items())
    evidence = f"glue_catalog.{cp.EVIDENCE_DB}"
    runs = spark.table(f"{evidence}.ctrl_ingestion_runs").where(f"target_table = '{cp.target(STEP)}'")
    statuses = {r.run_id: r.status for r in runs.collect()}
    assert statuses == {writer["run_id"]: "SUCCESS", refused["run_id"]: "FAILED"}
    locks = spark.table(f"{evidence}.ctrl_ingestion_locks").where("status = 'REFUSED'").collect()
    assert [r.run_id for r in locks] == [refused["run_id"]]
    assert writer["run_id"] in locks[0].reason
