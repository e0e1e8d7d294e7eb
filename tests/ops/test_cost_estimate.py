"""cost estimate / suggest on the planned orders-medallion project (pure: rates table, no AWS)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from contractforge.api import plan_project
from contractforge.cli.main import main
from contractforge.ops.cost_estimate import cron_runs_per_day, estimate
from contractforge.ops.cost_suggest import suggest
from contractforge.planner.packing import pack_layout

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "orders-medallion"


@pytest.fixture(scope="module")
def plan():
    return plan_project(str(EXAMPLE))


def _layout(plan, packing):
    environment = dict(plan.environment)
    environment["parameters"] = {
        **environment["parameters"],
        "aws": {**environment["parameters"]["aws"], "packing": packing},
    }
    return replace(plan, environment=environment)


@pytest.mark.parametrize(
    ("cron", "per_day"),
    [
        ("30 5 * * *", 1.0),
        ("0 * * * *", 24.0),
        ("*/15 8-17 * * MON-FRI", 40 * 5 / 7),
        ("@weekly", 1 / 7),
        ("rate(6 hours)", 4.0),
    ],
)
def test_cron_runs_per_day(cron, per_day):
    assert cron_runs_per_day(cron) == pytest.approx(per_day)


def test_billing_minimum_per_job_makes_one_pack_cheaper(plan):
    measured = {"bronze_orders": 4.0, "silver_orders": 3.0, "gold_daily_revenue": 3.0}
    apart = estimate(plan, pack_layout(plan), measured)
    together = estimate(_layout(plan, "project"), pack_layout(_layout(plan, "project")), measured)
    # three jobs each billed the 60 s minimum on 2 DPUs vs one job of start-up + 10 s
    assert apart.dpu_seconds_per_run == 3 * 60 * 2
    assert together.dpu_seconds_per_run == 60 * 2
    assert (
        apart.runs_per_day == 1.0 and apart.as_dict()["usd_per_month"] > together.as_dict()["usd_per_month"]
    )
    assert {j.job: j.execution_class for j in apart.jobs}["silver_orders"] == "FLEX"  # medium, 1440 min SLA


def test_longer_steps_are_billed_by_the_second(plan):
    long = estimate(plan, pack_layout(plan), {"bronze_orders": 100.0})
    [bronze] = [j for j in long.jobs if j.job == "bronze_orders"]
    assert bronze.billed_dpu_seconds == (20 + 100) * 2 and bronze.measured_steps == ("bronze_orders",)


def test_suggest_proposes_packing_with_its_saving(plan):
    result = suggest(plan, {"bronze_orders": 4.0, "silver_orders": 3.0, "gold_daily_revenue": 3.0})
    best = result["proposals"][0]
    assert best["change"] == "parameters.aws.packing: project" and best["usd_per_month_saving"] > 0


def test_cli_estimate_json(capsys):
    assert main(["cost", "estimate", str(EXAMPLE), "--layout", "wave", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["layout"] == "wave" and [j["job"] for j in result["jobs"]] == [
        "wave-01",
        "wave-02",
        "wave-03",
    ]
    assert result["rates"]["minimum_billed_seconds"] == 60
