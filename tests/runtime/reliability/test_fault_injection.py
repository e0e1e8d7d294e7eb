"""Crash at every stage (slow tier, real Spark + Iceberg): the runner is killed with SIGKILL
(``CONTRACTFORGE_FAULT_AT``, reliability/faults.py) while it runs one step, in its own process, on
the catalog, lock store and evidence of this session. After each kill:

- the target holds the new batch wholly or not at all, and no key twice;
- the next run completes at once (the dead holder's lock is taken over, a TAKEN_OVER lock row names
  it), and the target then holds every staged row exactly once (no file read twice, none lost);
- the killed run is in ctrl_ingestion_runs: FAILED (``abandoned_run``) when it committed nothing,
  SUCCESS ``reconciled_from_snapshot`` when its target commit landed without evidence;
- the target's state names the recovery run (nothing advanced on behalf of the killed one).

Six cases run by default, one per crash class of docs/evidence-and-reliability.md ("What happens
when"): for hash diff, a kill before the write (schema_policy, the last of read / quality /
schema_policy, which leave the same state behind), during the write, after the commit and during the
evidence; after the commit for append and during the evidence for upsert. The full matrix (every
stage × every mode, read and quality included) runs with CONTRACTFORGE_FAULT_MATRIX=1 (marker
fault_matrix).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from contractforge.api import plan_project
from contractforge.local.runner import run_project_locally
from contractforge.ops.audit import AuditThresholds, run_audit
from contractforge.ops.evidence_reader import LocalEvidence
from contractforge.ops.locks import local_store
from contractforge_runtime.reliability.faults import POINTS

from tests.runtime.reliability import crash_project as cp
from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow

DEFAULT = {("f_hash", point) for point in ("schema_policy", "write", "after_commit", "evidence")} | {
    ("f_append", "after_commit"), ("f_upsert", "evidence"),
}  # fmt: skip
MATRIX = os.environ.get("CONTRACTFORGE_FAULT_MATRIX") == "1"
COMMITTED = ("after_commit", "evidence")  # the commit landed before the kill
NOT_COMMITTED = ("read", "quality", "schema_policy")


def _cases():
    for step in cp.MODES:
        for point in POINTS:
            if (step, point) in DEFAULT:
                yield pytest.param(step, point, id=f"{step}-{point}")
            else:
                marks = [
                    pytest.mark.fault_matrix,
                    pytest.mark.skipif(not MATRIX, reason="full matrix: CONTRACTFORGE_FAULT_MATRIX=1"),
                ]
                yield pytest.param(step, point, id=f"{step}-{point}", marks=marks)


class Crashes:
    def __init__(self, spark, root: Path):
        self.spark, self.root = spark, root
        self.project = cp.write(root / "project")
        self.s3_root = root / "s3"
        self.warehouse = cp.warehouse_of(spark)
        self.expected: dict[str, dict[int, str]] = {step: {} for step in cp.MODES}
        self.batches = 0

    def next_batch(self, step: str) -> dict[int, str]:
        """Three new keys, and (merge modes) a new value for a key written before."""
        self.batches += 1
        rows = {self.batches * 10 + i: f"v{self.batches}" for i in range(1, 4)}
        if step != "f_append" and self.expected[step]:
            rows[min(self.expected[step])] = f"changed{self.batches}"
        cp.stage(self.root, self.s3_root, step, f"batch{self.batches:03d}", rows)
        return rows

    def target_rows(self, step: str) -> list[tuple[int, str]]:
        if not self.spark.catalog.tableExists(cp.target(step)):
            return []
        return [(r.id, r.v) for r in self.spark.table(cp.target(step)).select("id", "v").collect()]

    def evidence(self, table: str, step: str):
        return self.spark.table(f"glue_catalog.{cp.EVIDENCE_DB}.{table}").where(
            f"target_table = '{cp.target(step)}'"
        )


@pytest.fixture(scope="module")
def crashes(spark, tmp_path_factory):
    drop_databases(spark, cp.EVIDENCE_DB, "cf_fault_bronze")
    return Crashes(spark, tmp_path_factory.mktemp("crashes"))


@pytest.mark.parametrize(("step", "point"), list(_cases()))
def test_kill_at_stage(crashes, step, point):
    batch = crashes.next_batch(step)
    new_keys = set(batch) - set(crashes.expected[step])
    killed = cp.child(crashes.warehouse, crashes.project, crashes.s3_root, step,
                      CONTRACTFORGE_FAULT_AT=point, CONTRACTFORGE_FAULT_DELAY_SECONDS="0.2")  # fmt: skip
    code, _, text = cp.outcome(killed)
    assert code == -9, f"the runner was not killed at {point}: exit {code}\n{text[-3000:]}"

    after_kill = crashes.target_rows(step)
    keys = [key for key, _ in after_kill]
    assert len(keys) == len(set(keys)), "a key written twice"
    landed = new_keys & set(keys)
    assert landed in (set(), new_keys), f"a partial batch: {sorted(landed)} of {sorted(new_keys)}"
    if point in NOT_COMMITTED:
        assert not landed
    if point in COMMITTED:
        assert landed == new_keys
    _audit_sees_the_crash(crashes, step, point)

    (recovery,) = run_project_locally(crashes.project, steps=[step], s3_root=crashes.s3_root,
                                      spark=crashes.spark, out=io.StringIO())  # fmt: skip
    assert recovery.status in ("SUCCESS", "SKIPPED"), recovery.error_message
    crashes.expected[step].update(batch)
    final = crashes.target_rows(step)
    assert sorted(key for key, _ in final) == sorted(crashes.expected[step]), "rows lost or read twice"
    assert dict(final) == crashes.expected[step]

    taken = (
        crashes.evidence("ctrl_ingestion_locks", step)
        .where(f"status = 'TAKEN_OVER' AND released_by = '{recovery.run_id}'")
        .collect()
    )
    assert len(taken) == 1, "the dead holder's lock was not taken over by the next run"
    dead = taken[0].run_id
    rows = crashes.evidence("ctrl_ingestion_runs", step).where(f"run_id = '{dead}'").collect()
    assert [(r.status, r.metrics_source) for r in rows] in (
        [("FAILED", "abandoned_run")], [("SUCCESS", "reconciled_from_snapshot")],
    ), rows  # fmt: skip
    if point in COMMITTED:
        assert rows[0].status == "SUCCESS" and rows[0].write_committed
    if point in NOT_COMMITTED:
        assert rows[0].status == "FAILED" and "abandoned" in rows[0].error_message

    state = (
        crashes.evidence("ctrl_ingestion_state", step).orderBy("last_updated_at_utc", ascending=False).first()
    )
    assert state.last_run_id == recovery.run_id


def _audit_sees_the_crash(crashes, step: str, point: str) -> None:
    """Before any recovery, `audit` (light local reader, lock store) shows the dead holder's lock
    and, when the commit landed, the commit without evidence."""
    report = run_audit(
        LocalEvidence(crashes.warehouse / "iceberg_catalog.sqlite", cp.EVIDENCE_DB),
        plan_project(crashes.project),
        lock_store=local_store(crashes.warehouse.parent),
        thresholds=AuditThresholds(check_freshness=False),
    )
    locks = [r for r in report.checks["open_locks"] if r["target_table"] == cp.target(step)]
    assert [r["lock_state"] for r in locks] == ["HOLDER_GONE"], locks
    unrecorded = [
        r for r in report.checks["commits_without_evidence"] if r["target_table"] == cp.target(step)
    ]
    if point in COMMITTED:
        assert [r["run_id"] for r in unrecorded] == [locks[0]["run_id"]]
        assert "commits_without_evidence" in {v["check"] for v in report.violations}
    if point in NOT_COMMITTED:
        assert unrecorded == []
