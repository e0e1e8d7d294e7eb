"""``contractforge report PROJECT [--local | --env aws] [--since 7d] --out report.html``.

Reads the evidence (light local reader with --local, else Athena, printing each query as it runs)
and writes one self-contained HTML file: charts as inline SVG, no script, nothing fetched. With
--local the plan and the drawn charts are kept in the home while their inputs are unchanged.

The charts are drawn by a vl-convert worker process started first, so its engine starts on another
core while the project is planned and the evidence read (chart_renderer); the report's modules are
imported after it started (about 70 ms earlier than at the top of this module).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from contractforge.cli import common
from contractforge.ops.chart_renderer import ChartRenderer

if TYPE_CHECKING:
    from contractforge.ops.report_charts import Draw


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="write an HTML report of the evidence (charts, failures, locks)"
    )
    common.add_project_arguments(parser)
    parser.add_argument("--out", required=True, help="HTML file to write")
    parser.add_argument("--since", default="7d", help="window: 30m, 12h, 7d, 2w (default 7d)")
    parser.add_argument(
        "--max-quarantine-ratio", type=float, default=0.05, help="threshold drawn on the quarantine charts"
    )
    parser.add_argument("--dpu-hour-usd", type=float, default=0.44, help="rate for the cost per day (0.44)")
    common.add_local_arguments(parser)
    common.add_spark_reader_argument(parser)
    common.add_aws_arguments(parser)
    common.add_athena_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    began = time.perf_counter()
    with ChartRenderer() as renderer:
        from contractforge.ops import report_charts

        if not args.local:
            document = _report(args, renderer.draw)
        else:  # charts of unchanged evidence are not drawn again
            kept = report_charts.KeptCharts(Path(args.home) / "charts", renderer.draw)
            document = _report(args, kept.draw)
            kept.prune()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(document, encoding="utf-8")
    common.stderr_line(f"wrote {out} ({len(document) // 1024} KiB) in {time.perf_counter() - began:.1f} s")
    return 0


def _report(args: argparse.Namespace, draw: Draw) -> str:
    from contractforge.ops.audit import parse_since
    from contractforge.ops.evidence_reader import catalog_file
    from contractforge.ops.report_data import collect
    from contractforge.ops.report_html import render_report

    plan = common.project_from(args)
    backend = common.reader_from(args, plan)
    source = (
        f"local evidence ({catalog_file(args.home)})"
        if args.local
        else f"Athena, database {backend.database}"
    )
    data = collect(
        backend,
        plan,
        source=source,
        since=parse_since(args.since),
        max_quarantine_ratio=args.max_quarantine_ratio,
        progress=common.stderr_line,
    )
    common.stderr_line("rendering charts …")
    return render_report(data, dpu_hour_usd=args.dpu_hour_usd, draw=draw)
