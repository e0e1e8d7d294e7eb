"""``contractforge report``: one self-contained HTML file (inline CSS and SVG, no script, no network).

Per project: the execution timeline (packs and steps), status history, freshness against the SLA,
DPU-seconds and cost per day, current state. Per step: rows read / written / quarantined, the
quarantine ratio against its threshold, latest failures with error and stack trace, schema
changes, open locks, annotations and access applied.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from contractforge.ops import report_charts
from contractforge.ops.report_data import ReportData, StepInfo

FAILURES_SHOWN = 5
CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#212121;background:#fafafa}
header{background:#263238;color:#fff;padding:16px 28px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;color:#cfd8dc;font-size:13px}main{padding:12px 28px 40px;max-width:1100px}
h2{border-bottom:2px solid #cfd8dc;padding-bottom:4px;margin-top:32px}h3{margin:20px 0 8px;font-size:15px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}.card{background:#fff;border:1px solid #e0e0e0;
border-radius:6px;padding:10px 16px;min-width:120px}.card b{display:block;font-size:22px}
.card.bad b{color:#c62828}figure.chart{background:#fff;border:1px solid #e0e0e0;border-radius:6px;
margin:10px 0;padding:8px;overflow-x:auto}figcaption{font-size:12px;color:#616161;margin-top:4px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:12px;margin:6px 0}
th,td{border:1px solid #e0e0e0;padding:4px 6px;text-align:left;vertical-align:top}th{background:#eceff1}
td.FAILED,td.late{color:#c62828;font-weight:600}td.SUCCESS{color:#2e7d32}.muted{color:#757575;font-size:12px}
pre{white-space:pre-wrap;font-size:11px;background:#263238;color:#eceff1;padding:8px;border-radius:4px;
max-height:320px;overflow:auto}details summary{cursor:pointer;font-size:12px}
"""


@dataclass(frozen=True, eq=False)
class _Chart:
    """A figure of the document: its spec (None: nothing to draw) is drawn with all the others at once."""

    name: str
    spec: dict[str, Any] | None
    caption: str


def render_report(
    data: ReportData, *, dpu_hour_usd: float, draw: report_charts.Draw = report_charts.draw_here
) -> str:
    """The whole document as one string; ``draw`` turns the chart specs into SVG, all in one call."""
    parts: list[str | _Chart] = [_header(data), "<main>", _cards(data), "<h2>Project</h2>"]
    parts.append(
        _Chart("timeline", report_charts.timeline(data), "Gantt of packs (run groups) and step runs")
    )
    parts.append(_Chart("status-history", report_charts.status_history(data), "runs per day and status"))
    parts.append(
        _Chart("freshness", report_charts.freshness(data), "late = older than freshness_sla_minutes")
    )
    cost_spec, estimated = report_charts.cost_per_day(data, dpu_hour_usd)
    note = (
        "estimated from run duration x the job's workers x DPU per worker where no Glue cost was recorded"
        if estimated
        else "recorded Glue DPU-seconds (record-cost)"
    )
    parts.append(_Chart("cost-per-day", cost_spec, note))
    parts.append("<h3>Current state per target</h3>")
    parts.append(
        _table(
            data.rows("state"),
            ["target_table", "last_status", "last_success_at_utc", "last_rows_written", "watermark_column",
             "watermark_value", "last_delta_version", "last_error_message"],
        )
    )  # fmt: skip
    for step in data.steps:
        parts.extend(_step_section(data, step))
    parts.append("</main>")
    charts = [part for part in parts if isinstance(part, _Chart) and part.spec is not None]
    drawn = dict(zip(charts, draw([chart.spec for chart in charts]), strict=True))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>ContractForge report: {_e(data.project)}</title><style>{CSS}</style></head><body>"
        + "\n".join(_figure(part, drawn.get(part)) if isinstance(part, _Chart) else part for part in parts)
        + "</body></html>\n"
    )


def _header(data: ReportData) -> str:
    return (
        f"<header><h1>{_e(data.project)}</h1><p>{_e(data.source)} · runs since {data.since:%Y-%m-%d %H:%M} UTC"
        f" · generated {data.now:%Y-%m-%d %H:%M} UTC · {len(data.steps)} steps</p></header>"
    )


def _cards(data: ReportData) -> str:
    runs = data.rows("report_runs")
    failed = sum(1 for r in runs if r["status"] == "FAILED")
    quarantined = sum(int(r.get("rows_quarantined") or 0) for r in runs)
    held = [r for r in data.rows("locks") if r.get("status") == "ACTIVE"]
    cards = [("runs", len(runs), False), ("failed runs", failed, failed > 0),
             ("rows quarantined", quarantined, quarantined > 0), ("open locks", len(held), bool(held))]  # fmt: skip
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card{" bad" if bad else ""}"><b>{value}</b>{_e(label)}</div>'
            for label, value, bad in cards
        )
        + "</div>"
    )


def _step_section(data: ReportData, step: StepInfo) -> list[str | _Chart]:
    target = step.target_table
    sla = (
        f"freshness SLA {step.freshness_sla_minutes} min"
        if step.freshness_sla_minutes
        else "no freshness SLA"
    )
    parts: list[str | _Chart] = [f'<section class="step" id="step-{_e(step.name)}"><h2>Step {_e(step.name)}</h2>',
                                 f'<p class="muted">{_e(target)} · layer {_e(step.layer)} · {sla}</p>']  # fmt: skip
    if not data.rows("report_runs", target):
        parts.append('<p class="muted">No runs in this window.</p>')
    parts.append(_Chart(f"rows-{step.name}", report_charts.rows_over_time(data, target), "rows per run"))
    parts.append(
        _Chart(
            f"quarantine-{step.name}",
            report_charts.quarantine_ratio(data, target),
            "quarantined / read per run",
        )
    )
    parts.append("<h3>Latest failures</h3>" + _failures(data.rows("failed_runs_with_errors", target)))
    parts.append("<h3>Schema changes</h3>")
    parts.append(_table(data.rows("schema_changes", target),
                        ["change_ts_utc", "change_type", "column_name", "source_type", "target_type", "applied"]))  # fmt: skip
    held = [r for r in data.rows("locks", target) if r.get("status") == "ACTIVE"]
    parts.append("<h3>Open locks</h3>")
    parts.append(_table(held, ["run_id", "owner", "acquired_at_utc", "expires_at_utc", "ttl_minutes"]))
    parts.append("<h3>Annotations applied</h3>")
    parts.append(_table(data.rows("annotations", target),
                        ["annotation_ts_utc", "annotation_scope", "annotation_type", "column_name", "key", "value",
                         "status", "error_message"]))  # fmt: skip
    parts.append("<h3>Access applied</h3>")
    parts.append(_table(data.rows("access", target),
                        ["access_ts_utc", "action", "access_type", "principal", "privilege", "column_name", "status",
                         "error_message"]))  # fmt: skip
    parts.append("</section>")
    return parts


def _failures(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return '<p class="muted">None.</p>'
    items = []
    for row in rows[:FAILURES_SHOWN]:
        items.append(
            f'<div class="failure"><p><b>{_e(row.get("started_at_utc"))}</b> run <code>{_e(row.get("run_id"))}</code>'
            f" · {_e(row.get('error_type') or row.get('error_class') or 'error')}: {_e(row.get('short_error'))}</p>"
            f"<details><summary>stack trace</summary><pre>{_e(row.get('stack_trace') or '(none recorded)')}</pre>"
            "</details></div>"
        )
    if len(rows) > FAILURES_SHOWN:
        items.append(
            f'<p class="muted">… {len(rows) - FAILURES_SHOWN} older failures (contractforge audit).</p>'
        )
    return "\n".join(items)


def _figure(chart: _Chart, svg: str | None) -> str:
    name, caption = _e(chart.name), _e(chart.caption)
    if svg is None:
        return f'<p class="muted no-chart" data-chart="{name}">No data to chart: {caption}.</p>'
    return f'<figure class="chart" data-chart="{name}">{svg}<figcaption>{caption}</figcaption></figure>'


def _table(rows: list[dict[str, Any]], columns: Iterable[str]) -> str:
    if not rows:
        return '<p class="muted">None.</p>'
    columns = list(columns)
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{_e(str(row.get(c) or ""))}">{_e(row.get(c))}</td>' for c in columns)
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _status_class(value: Any) -> str:
    return f' class="{value}"' if value in ("FAILED", "SUCCESS") else ""


def _e(value: Any) -> str:
    return "" if value is None else html.escape(str(value))
