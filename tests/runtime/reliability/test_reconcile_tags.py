"""Reconciliation tells from the runs table's metadata that the target's newest commit is recorded, and
reads the rows when the metadata cannot tell (real Spark + Iceberg, real runs)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.evidence.commit_tags import RUN_ID_PROPERTY
from contractforge_runtime.evidence.store import EvidenceStore
from contractforge_runtime.reliability.reconcile import _newest_recorded, tagged_commits
from contractforge_runtime.run import run_plan
from contractforge_runtime.write.commit_properties import with_commit_properties

from tests.runtime.plan_factory import run_plan as make_plan

pytestmark = pytest.mark.slow


def test_an_orphan_commit_is_healed_and_a_recorded_one_is_told_from_metadata(spark, tmp_path):
    db = f"cf_rec_{uuid.uuid4().hex[:8]}"
    landing = tmp_path / "s3" / "cf-test-bucket" / "landing" / db
    landing.mkdir(parents=True)
    (landing / "orders.csv").write_text("order_id,amount\n1,10\n2,20\n")
    source = {"type": "csv", "family": "files", "format": "csv", "options": {"header": "true"},
              "path": f"s3://cf-test-bucket/landing/{db}/orders.csv"}  # fmt: skip
    plan = make_plan("orders", db, "b_orders", source=source, write={})
    identifier = plan["target"]["identifier"]
    store = EvidenceStore(spark, plan["evidence"]["database"])
    runs = store.identifier("ctrl_ingestion_runs")
    run = SimpleNamespace(spark=spark, evidence=store)

    def one_run():
        return run_plan(spark, plan, RunContext.local("orders", s3_root=str(tmp_path / "s3")))

    def recorded(run_id: str) -> list[tuple[str, str]]:
        rows = spark.sql(f"SELECT status, metrics_source FROM {runs} WHERE run_id = '{run_id}'").collect()
        return [(r.status, r.metrics_source) for r in rows]

    first = one_run()
    assert first.status == "SUCCESS"
    assert _newest_recorded(run, identifier, tagged_commits(spark, identifier)[0])

    # a target commit whose run recorded nothing (killed between its commit and its evidence)
    ghost = spark.table(identifier).limit(1)
    with_commit_properties(spark, {RUN_ID_PROPERTY: "ghost"}, lambda: ghost.writeTo(identifier).append())
    assert not _newest_recorded(run, identifier, tagged_commits(spark, identifier)[0])
    assert one_run().status in ("SUCCESS", "SKIPPED")
    assert recorded("ghost") == [("SUCCESS", "reconciled_from_snapshot")]

    newest = tagged_commits(spark, identifier)[0]  # the second run's commit, or ghost's if it skipped
    assert _newest_recorded(run, identifier, newest)
    # rows deleted from the runs table: only the rows can tell, and the next run heals the commit again
    spark.sql(f"DELETE FROM {runs} WHERE run_id = '{newest.run_id}'")
    assert not _newest_recorded(run, identifier, newest)
    assert one_run().status in ("SUCCESS", "SKIPPED")
    assert recorded(newest.run_id) == [("SUCCESS", "reconciled_from_snapshot")]
