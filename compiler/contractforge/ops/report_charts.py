"""The report's charts: Vega-Lite specs rendered to static SVG by vl-convert (no JavaScript in the report).

The specs are plain Vega-Lite dicts (the JSON Altair would emit, checked against the Vega-Lite schema
by the tests): building them needs no import, and vl-convert renders them without a validation pass.
Every chart function returns a spec or None when there is nothing to draw, so the report never shows
an empty chart. ``draw_here`` draws specs in this process; the report command draws them in
chart_renderer's worker processes, whose engines start while the evidence is read.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from contractforge.local.home_files import write_whole
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
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"  # a Vega-Lite version vl-convert bundles
_TYPES = {"N": "nominal", "O": "ordinal", "Q": "quantitative", "T": "temporal"}
Draw = Callable[[list[dict[str, Any]]], list[str]]  # specs → their SVGs, in order


def render_svg(spec: dict[str, Any]) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)


def draw_here(specs: list[dict[str, Any]]) -> list[str]:
    """Draw in this process (vl-convert's engine starts on the first spec)."""
    return [render_svg(spec) for spec in specs]


class KeptCharts:
    """Charts drawn before, kept in ``directory`` (the local home) by the sha256 of their spec and
    vl-convert's version: a report over unchanged evidence draws (with ``draw``) only the charts whose
    data changed (the freshness ages move every minute). ``prune`` drops the ones the last report did
    not show."""

    def __init__(self, directory: Path, draw: Draw = draw_here):
        self.directory = directory
        self._draw = draw
        self.shown: set[str] = set()

    def draw(self, specs: list[dict[str, Any]]) -> list[str]:
        """The SVG of each spec: read back when kept, the others drawn together (one ``draw`` call)."""
        import vl_convert

        paths = [self.directory / f"{_digest(spec, vl_convert.__version__)}.svg" for spec in specs]
        self.shown.update(path.name for path in paths)
        svgs = {index: _read(path) for index, path in enumerate(paths)}
        missing = [index for index, svg in svgs.items() if svg is None]
        drawn = self._draw([specs[index] for index in missing]) if missing else []
        for index, svg in zip(missing, drawn, strict=True):
            svgs[index] = svg
            try:
                self.directory.mkdir(exist_ok=True)
                write_whole(paths[index], svg.encode("utf-8"))
            except OSError:  # a home that cannot be written to only loses the shortcut
                pass
        return [svgs[index] for index in range(len(specs))]

    def prune(self) -> None:
        for path in self.directory.glob("*.svg"):
            if path.name not in self.shown:
                path.unlink(missing_ok=True)


def _digest(spec: dict[str, Any], version: str) -> str:
    text = json.dumps(spec, sort_keys=True, default=str) + version
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def chart(values: list[dict[str, Any]] | None, **spec: Any) -> dict[str, Any]:
    """A top-level Vega-Lite spec over inline ``values`` (None: its layers bring their own)."""
    data = {} if values is None else {"data": {"values": values}}
    return {
        "$schema": SCHEMA,
        "config": {"view": {"continuousHeight": 300, "continuousWidth": 300}},
        **data,
        **spec,
    }


def channel(shorthand: str, **options: Any) -> dict[str, Any]:
    """``"sum(runs):Q"`` → {aggregate: sum, field: runs, type: quantitative} plus ``options``."""
    field, _, kind = shorthand.rpartition(":")
    encoded: dict[str, Any] = {"type": _TYPES[kind]}
    if field.endswith(")"):
        encoded["aggregate"], field = field[:-1].split("(", 1)
    return {"field": field, **encoded, **options}


def _tooltip(*shorthands: str | dict[str, Any]) -> list[dict[str, Any]]:
    return [channel(s) if isinstance(s, str) else s for s in shorthands]


def _time_x(shorthand: str, title: str) -> dict[str, Any]:
    return channel(shorthand, title=title, axis={"format": "%m-%d %H:%M", "labelAngle": -30, "tickCount": 8})


def _scale(colors: dict[str, str]) -> dict[str, Any]:
    return {"domain": list(colors), "range": list(colors.values())}


def timeline(data: ReportData) -> dict[str, Any] | None:
    """Gantt: one bar per run (per step) and one per pack (run group: first start → last finish)."""
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
    return chart(
        bars,
        mark={"type": "bar", "cornerRadius": 2, "minBandSize": 4},
        encoding={
            "x": _time_x("start:T", "UTC"),
            "x2": {"field": "end"},
            "y": channel("lane:N", title=None, sort=[lane for _, lane in lanes]),
            "color": channel("status:N", scale=_scale(STATUS_COLORS), title="status"),
            "tooltip": _tooltip("lane:N", "label:N", "status:N", "start:T", "end:T"),
        },
        width=WIDTH,
        height=max(60, 28 * len(lanes)),
        title="Recent executions",
    )


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


def status_history(data: ReportData) -> dict[str, Any] | None:
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for run in data.rows("report_runs"):
        started = parse_time(run["started_at_utc"])
        if started:
            counts[(started.date().isoformat(), data.step_of(run["target_table"]), run["status"])] += 1
    if not counts:
        return None
    values = [{"day": d, "step": s, "status": st, "runs": n} for (d, s, st), n in sorted(counts.items())]
    return chart(
        values,
        mark={"type": "bar"},
        encoding={
            "x": channel("day:O", title="day (UTC)"),
            "y": channel("sum(runs):Q", title="runs"),
            "color": channel("status:N", scale=_scale(STATUS_COLORS)),
            "column": channel("step:N", title=None),
            "tooltip": _tooltip("day:O", "step:N", "status:N", "runs:Q"),
        },
        width=max(120, WIDTH // max(1, len({v["step"] for v in values})) - 40),
        height=160,
    )


def rows_over_time(data: ReportData, target_table: str) -> dict[str, Any] | None:
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
    return chart(
        values,
        mark={"type": "line", "point": True},
        encoding={
            "x": _time_x("started:T", "run start (UTC)"),
            "y": channel("rows:Q", title="rows"),
            "color": channel("measure:N", scale=_scale(MEASURE_COLORS), title=None),
            "tooltip": _tooltip("run:N", "measure:N", "rows:Q", "started:T"),
        },
        width=WIDTH,
        height=180,
        title="Rows per run",
    )


def quarantine_ratio(data: ReportData, target_table: str) -> dict[str, Any] | None:
    values = []
    for run in data.rows("report_runs", target_table):
        read, quarantined = number(run.get("rows_read")), number(run.get("rows_quarantined"))
        if read and run.get("started_at_utc"):
            values.append(
                {"started": run["started_at_utc"], "ratio": (quarantined or 0) / read, "run": run["run_id"]}
            )
    if not values:
        return None
    points = {
        "data": {"values": values},
        "mark": {"type": "line", "point": True, "color": "#ef6c00"},
        "encoding": {
            "x": _time_x("started:T", "run start (UTC)"),
            "y": channel("ratio:Q", title="quarantined / read", axis={"format": "%"}),
            "tooltip": _tooltip("run:N", channel("ratio:Q", format=".1%"), "started:T"),
        },
    }
    threshold = {
        "data": {"values": [{"threshold": data.max_quarantine_ratio}]},
        "mark": {"type": "rule", "color": "#c62828", "strokeDash": [6, 4]},
        "encoding": {"y": channel("threshold:Q")},
    }
    title = f"Quarantine ratio (threshold {data.max_quarantine_ratio:.0%}, dashed)"
    return chart(None, layer=[points, threshold], width=WIDTH, height=160, title=title)


def freshness(data: ReportData) -> dict[str, Any] | None:
    """Minutes since the last success of each target against its freshness_sla_minutes."""
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
    states = {"fresh": "#2e7d32", "late": "#c62828", "never succeeded": "#6a1b9a"}
    y = channel("step:N", title=None)
    bars = {
        "mark": {"type": "bar"},
        "encoding": {
            "x": channel("age:Q", title="minutes since last success"),
            "y": y,
            "color": channel("state:N", scale=_scale(states), title=None),
            "tooltip": _tooltip("step:N", "age:Q", "sla:Q", "state:N"),
        },
    }
    sla = {
        "mark": {"type": "tick", "color": "black", "thickness": 3, "size": 24},
        "encoding": {"x": channel("sla:Q"), "y": y},
    }
    title = "Freshness against freshness_sla_minutes (black tick = SLA)"
    return chart(values, layer=[bars, sla], width=WIDTH, height=max(60, 34 * len(values)), title=title)


def cost_per_day(data: ReportData, dpu_hour_usd: float) -> tuple[dict[str, Any] | None, bool]:
    """DPU-seconds per day and step (recorded Glue cost, else estimated from run duration x job
    capacity); returns (spec, whether any value was estimated)."""
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
    spec = chart(
        values,
        mark={"type": "bar"},
        encoding={
            "x": channel("day:O", title="day (UTC)"),
            "y": channel("sum(dpu_seconds):Q", title="DPU-seconds"),
            "color": channel("step:N", title="step"),
            "tooltip": _tooltip("day:O", "step:N", "dpu_seconds:Q", channel("usd:Q", format="$.4f")),
        },
        width=WIDTH,
        height=180,
        title=f"DPU-seconds per day (USD at {dpu_hour_usd:g}/DPU-hour)",
    )
    return spec, estimated
