"""Per-run idempotency keys: the contract's key template and the key a run is given."""

from __future__ import annotations

import pytest
from contractforge_runtime.reliability.idempotency import IdempotencyKeyMissing, effective_key, with_run_key


@pytest.mark.parametrize(
    ("template", "run_key", "expected"),
    [
        ("orders-{run_key}", "2026-12-01", "orders-2026-12-01"),
        ("orders", "2026-12-01", "orders/2026-12-01"),
        ("orders", None, "orders"),
        (None, "2026-12-01", "2026-12-01"),
        (None, None, None),
        (None, "  ", None),
    ],
)
def test_effective_key(template, run_key, expected):
    assert effective_key(template, run_key) == expected


def test_a_template_needing_a_run_key_refuses_to_run_without_one():
    with pytest.raises(IdempotencyKeyMissing, match="--idempotency-key"):
        effective_key("orders-{run_key}", None)


def test_the_plan_carries_the_effective_key_and_is_not_changed_in_place():
    plan = {"run": {"idempotency_policy": "skip_if_success", "idempotency_key": "orders-{run_key}"}}
    effective = with_run_key(plan, "2026-12-01")
    assert effective["run"]["idempotency_key"] == "orders-2026-12-01"
    assert plan["run"]["idempotency_key"] == "orders-{run_key}"
    assert with_run_key({"run": {}}, None) == {"run": {}}


@pytest.mark.slow
def test_skip_if_success_is_per_business_date(spark, tmp_path):
    from contractforge_runtime.environment.context import RunContext
    from contractforge_runtime.run import run_plan

    from tests.runtime.plan_factory import run_plan as make_plan
    from tests.spark_reset import drop_databases

    db = "cf_test_run_key"
    drop_databases(spark, db, f"{db}_ops")
    landing = tmp_path / "s3" / "cf-test-bucket" / "landing" / "daily"
    landing.mkdir(parents=True)
    (landing / "d.csv").write_text("order_id,amount\n1,10\n")
    source = {"type": "csv", "family": "files", "format": "csv", "path": "s3://cf-test-bucket/landing/daily/",
              "options": {"header": "true"}}  # fmt: skip
    plan = make_plan("daily", db, "b_daily", source=source, write={})
    plan["run"] = {
        **plan["run"],
        "idempotency_policy": "skip_if_success",
        "idempotency_key": "daily-{run_key}",
    }

    def run(key):
        ctx = RunContext.local("daily", s3_root=str(tmp_path / "s3"), run_key=key)
        return run_plan(spark, plan, ctx, raise_on_failure=False)

    outcomes = [run("2026-12-01"), run("2026-12-01"), run("2026-12-02"), run(None)]
    assert [r.status for r in outcomes[:3]] == ["SUCCESS", "SKIPPED", "SUCCESS"]
    assert outcomes[3].status == "FAILED" and isinstance(outcomes[3].error, IdempotencyKeyMissing)
    keys = [r.idempotency_key for r in spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_runs").collect()]
    # the refused run records the template it could not fill
    assert sorted(keys) == ["daily-2026-12-01", "daily-2026-12-01", "daily-2026-12-02", "daily-{run_key}"]
