"""Pack job runs seen per step: failure messages, outcome expansion, cost attribution (pure)."""

from __future__ import annotations

import json

from contractforge.ops.packed_runs import attribute, named_failures, shares
from contractforge_runtime.run.pack import PackedOutcome, PackFailed


def test_the_runtime_failure_message_names_the_steps():
    error = PackFailed(
        "p", [PackedOutcome("a", "SUCCESS"), PackedOutcome("b", "FAILED"), PackedOutcome("c", "NOT_RUN")]
    )
    assert named_failures(f"Traceback ...\n{type(error).__name__}: {error}") == {
        "b": "FAILED",
        "c": "NOT_RUN",
    }
    assert named_failures("Command failed with exit code 1") is None


def test_shares_follow_measured_time_else_equal():
    assert shares(["a", "b"], {"a": 3.0, "b": 1.0}) == (
        {"a": 0.75, "b": 0.25},
        "measured step wall time / sum over the pack",
    )
    split, rule = shares(["a", "b"], {"a": 3.0})
    assert split == {"a": 0.5, "b": 0.5} and rule.startswith("equal split")


def test_attribution_splits_every_signal_and_keeps_the_pack_total():
    rows = [
        {
            "run_id": "job:jr",
            "target_table": "t",
            "signal_name": "glue_dpu_seconds",
            "signal_value": 120.0,
            "payload_json": json.dumps({"formula": "f"}),
            "captured_at_utc": None,
        },
    ]
    seconds = {"job:jr:a": 30.0, "job:jr:b": 10.0}
    result = attribute(rows, [("a", "db.a"), ("b", "db.b")], seconds, "job", "jr")
    assert [(r["run_id"], r["target_table"], r["signal_value"]) for r in result] == [
        ("job:jr:a", "db.a", 90.0),
        ("job:jr:b", "db.b", 30.0),
    ]
    payload = json.loads(result[0]["payload_json"])
    assert (payload["pack_total"], payload["pack_share"], payload["formula"]) == (120.0, 0.75, "f")


def test_a_failed_pack_run_becomes_one_outcome_per_step():
    from dataclasses import replace
    from pathlib import Path

    from contractforge.api import plan_project
    from contractforge.ops.packed_runs import expand_summary
    from contractforge.ops.step_outcome import RunSummary, StepOutcome
    from contractforge.planner.packing import pack_layout

    plan = plan_project(str(Path(__file__).resolve().parents[2] / "examples" / "orders-medallion"))
    environment = {
        **plan.environment,
        "parameters": {"aws": {**plan.environment["parameters"]["aws"], "packing": "project"}},
    }
    plan = replace(plan, environment=environment)
    layout = pack_layout(plan)
    unit = StepOutcome("project", layout.packs[0].glue.name, "success", glue_run_id="jr_1", state="FAILED",
                       result="FAILED", message="PackFailed: pack project: 2 step(s) did not succeed: "
                       "silver_orders=FAILED, gold_daily_revenue=NOT_RUN")  # fmt: skip
    summary = expand_summary(RunSummary("direct", plan.name, [unit], True), layout, plan, False)
    assert [(o.step, o.result, o.run_id) for o in summary.outcomes] == [
        ("bronze_orders", "SUCCESS", "orders_medallion-pack-project:jr_1:bronze_orders"),
        ("silver_orders", "FAILED", "orders_medallion-pack-project:jr_1:silver_orders"),
        ("gold_daily_revenue", "BLOCKED", "orders_medallion-pack-project:jr_1:gold_daily_revenue"),
    ]
    assert summary.exit_code == 1
    crashed = replace(unit, message="Command failed with exit code 1")
    summary = expand_summary(RunSummary("direct", plan.name, [crashed], True), layout, plan, False)
    assert {o.result for o in summary.outcomes} == {"FAILED"}
