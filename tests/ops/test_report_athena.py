"""`contractforge report --env aws`: the same report from Athena results (moto's server, real pyathena)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from contractforge.cli.main import main
from contractforge.ops.report_data import REPORT_QUERIES

from tests.ops.browser import open_in_chromium

pytestmark = pytest.mark.aws

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "orders-medallion")
BRONZE = "glue_catalog.shop_orders_bronze.b_orders"
SILVER = "glue_catalog.shop_orders_silver.s_orders"


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def _athena_results(now: datetime) -> dict[str, tuple[list[tuple[str, str]], list[list]]]:
    day1, day2 = now - timedelta(days=1, hours=2), now - timedelta(hours=3)
    runs = [
        ("job-b:jr_1", BRONZE, "SUCCESS", "PASSED", "grp1", day1, 95, 5, 5, 0, None),
        ("job-s:jr_2", SILVER, "SUCCESS", "PASSED", "grp1", day1 + timedelta(minutes=2), 80, 5, 5, 0, None),
        ("job-b:jr_3", BRONZE, "SUCCESS", "QUARANTINED", "grp2", day2, 101, 4, 2, 2, None),
        ("job-b:jr_4", BRONZE, "FAILED", "NOT_CONFIGURED", "grp3", day2 + timedelta(hours=1), 40, None, 0, 0,
         "AnalysisException: column currency not found"),
    ]  # fmt: skip
    return {
        "report_runs": (
            [("run_id", "varchar"), ("target_table", "varchar"), ("status", "varchar"),
             ("quality_status", "varchar"), ("run_group_id", "varchar"), ("started_at_utc", "timestamp"),
             ("finished_at_utc", "timestamp"), ("duration_seconds", "double"), ("rows_read", "bigint"),
             ("rows_written", "bigint"), ("rows_quarantined", "bigint"), ("error_message", "varchar")],
            [[r, t, s, q, g, _ts(start), _ts(start + timedelta(seconds=d)), d, read, written, quarantined, e]
             for r, t, s, q, g, start, d, read, written, quarantined, e in runs],
        ),
        "cost_by_run": (
            [("run_id", "varchar"), ("target_table", "varchar"), ("dpu_seconds", "double")],
            [["job-b:jr_1", BRONZE, 190.0], ["job-s:jr_2", SILVER, 160.0], ["job-b:jr_3", BRONZE, 202.0]],
        ),
        "state": (
            [("target_table", "varchar"), ("last_status", "varchar"), ("last_success_at_utc", "timestamp")],
            [[BRONZE, "FAILED", _ts(day2)], [SILVER, "SUCCESS", _ts(day1)]],
        ),
        "failed_runs_with_errors": (
            [("started_at_utc", "timestamp"), ("target_table", "varchar"), ("run_id", "varchar"),
             ("short_error", "varchar"), ("error_type", "varchar"), ("stack_trace", "varchar")],
            [[_ts(day2 + timedelta(hours=1)), BRONZE, "job-b:jr_4", "column currency not found",
              "AnalysisException", "Traceback (most recent call last):\n  File runner.py\nAnalysisException"]],
        ),
        "schema_changes": (
            [("target_table", "varchar"), ("change_type", "varchar"), ("column_name", "varchar"),
             ("change_ts_utc", "timestamp"), ("applied", "boolean")],
            [[BRONZE, "add_column", "channel", _ts(day2), "true"]],
        ),
        "locks": (
            [("target_table", "varchar"), ("run_id", "varchar"), ("status", "varchar"),
             ("acquired_at_utc", "timestamp"), ("expires_at_utc", "timestamp")],
            [[SILVER, "job-s:jr_9", "ACTIVE", _ts(now - timedelta(minutes=5)), _ts(now + timedelta(minutes=55))]],
        ),
    }  # fmt: skip


def test_report_from_athena_renders_and_opens_in_a_browser(moto, tmp_path, capsys):
    now = datetime.now(UTC).replace(tzinfo=None)
    results = _athena_results(now)
    for name in REPORT_QUERIES:  # results bind to queries in order
        columns, rows = results.get(name, ([("nothing", "varchar")], []))
        moto.inject_athena_results(columns, rows)
    out = tmp_path / "report.html"

    assert main(["report", EXAMPLE, "--endpoint-url", moto.endpoint_url, "--out", str(out)]) == 0

    progress = capsys.readouterr().err
    assert "[1/8] report_runs …" in progress and "[8/8] access" in progress
    seen = open_in_chromium(out, "report-athena-orders-medallion.png")
    assert seen.console_errors == [] and seen.foreign_requests == []
    names = {chart["name"] for chart in seen.charts}
    assert {"timeline", "status-history", "freshness", "cost-per-day", "rows-bronze_orders",
            "quarantine-bronze_orders", "rows-silver_orders"} <= names  # fmt: skip
    assert all(chart["marks"] > 0 and chart["width"] > 100 for chart in seen.charts)
    assert "Athena, database shop_orders_ops" in seen.text
    assert "column currency not found" in seen.text and "channel" in seen.text and "job-s:jr_9" in seen.text
