"""The report's charts: Vega-Lite specs built with Altair, rendered to static SVG by vl-convert.

Every function returns an SVG string (no JavaScript in the report) or None when there is nothing
to draw, so the report never shows an empty chart.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from contractforge.ops.report_data import ReportData, number, parse_time

STATUS_COLORS = {
    "SUCCESS": "#2e7d32",
    "FAILED": "#c62828",
    "SKIPPED": "#9e9e9e",
    "RUNNING": "#1565c0",
    "ABORTED": "#ef6c00",
}
MEASURE_COLORS = {"rows read": "#1565c0", "rows written": "#2e7d32", "rows quarantined": "#ef6c00"}
WIDTH = 760


def _time_x(field: str, title: str):
    alt = _alt()
    return alt.X(field, title=title, axis=alt.Axis(format="%m-%d %H:%M", labelAngle=-30, tickCount=8))


def render_svg(chart) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.to_dict(validate=False))


def _alt():
    import altair as alt

    return alt


def _status_scale():
    alt = _alt()
    return alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values()))


def timeline(data: ReportData) -> str | None:
    """Gantt: one bar per run (per step) and one per pack (run group: first start → last finish)."""
    alt = _alt()
    bars: list[dict[str, Any]] = []
    packs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for run in data.rows("report_runs"):
        start, end = parse_time(run["started_at_utc"]), parse_time(run["finished_at_utc"])
        if start is None:
            continue
        end = end or data.now
        step = data.step_of(run["target_table"])
        bars.append(_bar(f"step {step}", start, end, run["status"], run["run_id"], 1))
        if run.get("run_group_id"):
            packs[run["run_group_id"]].append({"start": start, "end": end, "status": run["status"]})
    for group, runs in packs.items():
        status = "FAILED" if any(r["status"] == "FAILED" for r in runs) else runs[-1]["status"]
        start, end = min(r["start"] for r in runs), max(r["end"] for r in runs)
        bars.append(_bar("pack (run group)", start, end, status, group, 0))
    if not bars:
        return None
    lanes = sorted({(b["order"], b["lane"]) for b in bars})
    chart = (
        alt.Chart(alt.Data(values=bars))
        .mark_bar(cornerRadius=2, minBandSize=4)
        .encode(
            x=_time_x("start:T", "UTC"),
            x2="end:T",
            y=alt.Y("lane:N", title=None, sort=[lane for _, lane in lanes]),
            color=alt.Color("status:N", scale=_status_scale(), title="status"),
            tooltip=["lane:N", "label:N", "status:N", "start:T", "end:T"],
        )
        .properties(width=WIDTH, height=max(60, 28 * len(lanes)), title="Recent executions")
    )
    return render_svg(chart)


def _bar(lane: str, start, end, status: str, label: str, order: int) -> dict[str, Any]:
    if end <= start:  # a run of a few ms still gets a visible bar
        from datetime import timedelta

        end = start + timedelta(seconds=1)
    return {
        "lane": lane,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "status": status,
        "label": label,
        "order": order,
    }


def status_history(data: ReportData) -> str | None:
    alt = _alt()
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for run in data.rows("report_runs"):
        started = parse_time(run["started_at_utc"])
        if started:
            counts[(started.date().isoformat(), data.step_of(run["target_table"]), run["status"])] += 1
    if not counts:
        return None
    values = [{"day": d, "step": s, "status": st, "runs": n} for (d, s, st), n in sorted(counts.items())]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X("day:O", title="day (UTC)"),
            y=alt.Y("sum(runs):Q", title="runs"),
            color=alt.Color("status:N", scale=_status_scale()),
            column=alt.Column("step:N", title=None),
            tooltip=["day:O", "step:N", "status:N", "runs:Q"],
        )
        .properties(width=max(120, WIDTH // max(1, len({v["step"] for v in values})) - 40), height=160)
    )
    return render_svg(chart)


def rows_over_time(data: ReportData, target_table: str) -> str | None:
    alt = _alt()
    values = []
    for run in data.rows("report_runs", target_table):
        for measure, column in (
            ("rows read", "rows_read"),
            ("rows written", "rows_written"),
            ("rows quarantined", "rows_quarantined"),
        ):
            value = number(run.get(column))
            if value is not None and run.get("started_at_utc"):
                values.append(
                    {
                        "started": run["started_at_utc"],
                        "measure": measure,
                        "rows": value,
                        "run": run["run_id"],
                    }
                )
    if not values:
        return None
    scale = alt.Scale(domain=list(MEASURE_COLORS), range=list(MEASURE_COLORS.values()))
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            x=_time_x("started:T", "run start (UTC)"),
            y=alt.Y("rows:Q", title="rows"),
            color=alt.Color("measure:N", scale=scale, title=None),
            tooltip=["run:N", "measure:N", "rows:Q", "started:T"],
        )
        .properties(width=WIDTH, height=180, title="Rows per run")
    )
    return render_svg(chart)


def quarantine_ratio(data: ReportData, target_table: str) -> str | None:
    alt = _alt()
    values = []
    for run in data.rows("report_runs", target_table):
        read, quarantined = number(run.get("rows_read")), number(run.get("rows_quarantined"))
        if read and run.get("started_at_utc"):
            values.append(
                {"started": run["started_at_utc"], "ratio": (quarantined or 0) / read, "run": run["run_id"]}
            )
    if not values:
        return None
    points = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True, color="#ef6c00")
        .encode(
            x=_time_x("started:T", "run start (UTC)"),
            y=alt.Y("ratio:Q", title="quarantined / read", axis=alt.Axis(format="%")),
            tooltip=["run:N", alt.Tooltip("ratio:Q", format=".1%"), "started:T"],
        )
    )
    threshold = (
        alt.Chart(alt.Data(values=[{"threshold": data.max_quarantine_ratio}]))
        .mark_rule(color="#c62828", strokeDash=[6, 4])
        .encode(y="threshold:Q")
    )
    title = f"Quarantine ratio (threshold {data.max_quarantine_ratio:.0%}, dashed)"
    return render_svg((points + threshold).properties(width=WIDTH, height=160, title=title))


def freshness(data: ReportData) -> str | None:
    """Minutes since the last success of each target against its freshness_sla_minutes."""
    alt = _alt()
    last = {r["target_table"]: parse_time(r.get("last_success_at_utc")) for r in data.rows("state")}
    values = []
    for step in data.steps:
        seen = last.get(step.target_table)
        if seen is None and step.freshness_sla_minutes is None:
            continue
        age = None if seen is None else round((data.now - seen).total_seconds() / 60, 1)
        late = age is None or (step.freshness_sla_minutes is not None and age > step.freshness_sla_minutes)
        values.append(
            {
                "step": step.name,
                "age": age if age is not None else float(step.freshness_sla_minutes or 0) * 1.1,
                "sla": step.freshness_sla_minutes,
                "state": ("never succeeded" if age is None else "late") if late else "fresh",
            }
        )
    if not values:
        return None
    scale = alt.Scale(domain=["fresh", "late", "never succeeded"], range=["#2e7d32", "#c62828", "#6a1b9a"])
    base = alt.Chart(alt.Data(values=values)).encode(y=alt.Y("step:N", title=None))
    bars = base.mark_bar().encode(
        x=alt.X("age:Q", title="minutes since last success"),
        color=alt.Color("state:N", scale=scale, title=None),
        tooltip=["step:N", "age:Q", "sla:Q", "state:N"],
    )
    sla = base.mark_tick(color="black", thickness=3, size=24).encode(x="sla:Q")
    title = "Freshness against freshness_sla_minutes (black tick = SLA)"
    return render_svg((bars + sla).properties(width=WIDTH, height=max(60, 34 * len(values)), title=title))


def cost_per_day(data: ReportData, dpu_hour_usd: float) -> tuple[str | None, bool]:
    """DPU-seconds per day and step (recorded Glue cost, else estimated from run duration x job
    capacity); returns (svg, whether any value was estimated)."""
    alt = _alt()
    recorded = {
        (r["run_id"], r["target_table"]): number(r.get("dpu_seconds")) for r in data.rows("cost_by_run")
    }
    capacity = {s.target_table: s.dpus for s in data.steps}
    per_day: dict[tuple[str, str], float] = defaultdict(float)
    estimated = False
    for run in data.rows("report_runs"):
        started, seconds = parse_time(run["started_at_utc"]), number(run.get("duration_seconds"))
        dpu = recorded.get((run["run_id"], run["target_table"]))
        if dpu is None and seconds is not None:
            dpu, estimated = seconds * capacity.get(run["target_table"], 1.0), True
        if started and dpu is not None:
            per_day[(started.date().isoformat(), data.step_of(run["target_table"]))] += dpu
    if not per_day:
        return None, estimated
    values = [
        {"day": d, "step": s, "dpu_seconds": round(v, 1), "usd": round(v / 3600 * dpu_hour_usd, 4)}
        for (d, s), v in sorted(per_day.items())
    ]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X("day:O", title="day (UTC)"),
            y=alt.Y("sum(dpu_seconds):Q", title="DPU-seconds"),
            color=alt.Color("step:N", title="step"),
            tooltip=["day:O", "step:N", "dpu_seconds:Q", alt.Tooltip("usd:Q", format="$.4f")],
        )
        .properties(width=WIDTH, height=180, title=f"DPU-seconds per day (USD at {dpu_hour_usd:g}/DPU-hour)")
    )
    return render_svg(chart), estimated
