"""The report's charts are plain Vega-Lite dicts: each one valid against the Vega-Lite schema (the one
Altair bundles) and drawn by vl-convert as a non-empty SVG."""

from __future__ import annotations

from datetime import datetime, timedelta

import jsonschema
import pytest
from altair.vegalite.v6.schema import SCHEMA_VERSION, load_schema
from contractforge.ops import report_charts
from contractforge.ops.report_data import ReportData, StepInfo

NOW = datetime(2026, 3, 4, 12, 0)
BRONZE, SILVER = "glue_catalog.shop_bronze.b_orders", "glue_catalog.shop_silver.s_orders"


def _run(run_id, target, status, started, seconds, read, written, quarantined, group):
    return {
        "run_id": run_id,
        "target_table": target,
        "status": status,
        "run_group_id": group,
        "started_at_utc": started.isoformat(),
        "finished_at_utc": (started + timedelta(seconds=seconds)).isoformat(),
        "duration_seconds": seconds,
        "rows_read": read,
        "rows_written": written,
        "rows_quarantined": quarantined,
    }


@pytest.fixture
def data() -> ReportData:
    day1, day2 = NOW - timedelta(days=1, hours=2), NOW - timedelta(hours=3)
    report = ReportData(
        "shop",
        "local evidence",
        NOW - timedelta(days=7),
        NOW,
        0.05,
        [StepInfo("bronze", BRONZE, "bronze", 60, 2.0), StepInfo("silver", SILVER, "silver", None, 2.0)],
    )
    report.results = {
        "report_runs": [
            _run("r1", BRONZE, "SUCCESS", day1, 90, 5, 5, 0, "g1"),
            _run("r2", SILVER, "SUCCESS", day1 + timedelta(minutes=2), 80, 5, 5, 0, "g1"),
            _run("r3", BRONZE, "SUCCESS", day2, 100, 4, 2, 2, "g2"),
            _run("r4", BRONZE, "FAILED", day2 + timedelta(hours=1), 40, None, 0, 0, "g3"),
        ],
        "cost_by_run": [{"run_id": "r1", "target_table": BRONZE, "dpu_seconds": 180.0}],
        "state": [{"target_table": BRONZE, "last_success_at_utc": day2.isoformat()}],
    }
    return report


def _specs(data: ReportData) -> dict[str, dict]:
    specs = {
        "timeline": report_charts.timeline(data),
        "status-history": report_charts.status_history(data),
        "freshness": report_charts.freshness(data),
        "cost-per-day": report_charts.cost_per_day(data, 0.44)[0],
    }
    for step in data.steps:
        specs[f"rows-{step.name}"] = report_charts.rows_over_time(data, step.target_table)
        specs[f"quarantine-{step.name}"] = report_charts.quarantine_ratio(data, step.target_table)
    return specs


def test_every_chart_is_valid_vega_lite_and_draws(data):
    validator = jsonschema.validators.validator_for(load_schema())(load_schema())
    specs = _specs(data)

    assert all(spec is not None for spec in specs.values())
    assert report_charts.SCHEMA.endswith(f"/{SCHEMA_VERSION}.json")
    for name, spec in specs.items():
        validator.validate(spec)  # raises with the offending path
        svg = report_charts.render_svg(spec)
        assert svg.startswith("<svg") and "<path" in svg, name


def test_nothing_to_draw_gives_no_chart(data):
    data.results = {}

    assert report_charts.timeline(data) is None and report_charts.status_history(data) is None
    assert report_charts.cost_per_day(data, 0.44) == (None, False)
    assert report_charts.rows_over_time(data, BRONZE) is None


def test_a_shorthand_channel_is_what_altair_writes():
    import altair as alt

    assert report_charts.channel("sum(runs):Q", title="runs") == alt.Y("sum(runs):Q", title="runs").to_dict()
    assert report_charts.channel("start:T", title=None) == alt.X("start:T", title=None).to_dict()


def test_kept_charts_are_drawn_once_and_pruned_to_the_last_report(data, tmp_path):
    specs = _specs(data)
    asked: list[list[dict]] = []

    def draw(batch: list[dict]) -> list[str]:
        asked.append(batch)
        return report_charts.draw_here(batch)

    kept = report_charts.KeptCharts(tmp_path / "charts", draw)
    (first,) = kept.draw([specs["timeline"]])
    (stored,) = (tmp_path / "charts").glob("*.svg")
    assert first == report_charts.render_svg(specs["timeline"]) == stored.read_text(encoding="utf-8")
    stored.write_text(first.replace("Recent executions", "Kept executions"), encoding="utf-8")

    again = report_charts.KeptCharts(tmp_path / "charts", draw)
    timeline, freshness, cost = again.draw([specs["timeline"], specs["freshness"], specs["cost-per-day"]])
    assert "Kept executions" in timeline  # read back, not drawn again
    assert asked[-1] == [specs["freshness"], specs["cost-per-day"]]  # the missing ones, in one call, in order
    assert "Freshness" in freshness and "DPU-seconds" in cost
    later = report_charts.KeptCharts(tmp_path / "charts", draw)
    later.draw([specs["freshness"]])
    later.prune()

    assert len(asked) == 2 and len(list((tmp_path / "charts").glob("*.svg"))) == 1
