"""``contractforge cost estimate|suggest PROJECT`` (docs/cost.md).

``estimate``: projected DPU-seconds and dollars per run, day and month for the project's layout
(or ``--layout``), from the schedule, the Glue settings and the rates table; ``--measured`` reads
step durations from the evidence (Athena, or ``--local``) instead of the assumed default.
``suggest``: reads the evidence and proposes cheaper settings with their expected saving.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from contractforge.cli.common import (
    add_athena_arguments,
    add_aws_arguments,
    add_local_arguments,
    add_project_arguments,
    backend_from,
    print_json,
    project_from,
)
from contractforge.ops.audit import parse_since
from contractforge.ops.cost_estimate import RATES, estimate, median_durations
from contractforge.ops.cost_suggest import measured_rows, suggest
from contractforge.planner.packing import LAYOUTS, pack_layout


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("cost", help="Glue cost: estimate a layout, suggest cheaper settings")
    commands = parser.add_subparsers(dest="cost_command", required=True)
    est = commands.add_parser("estimate", help="projected DPU-seconds and dollars per run/day/month")
    add_project_arguments(est)
    est.add_argument(
        "--layout", choices=LAYOUTS, help="estimate this packing layout instead of the environment's"
    )
    est.add_argument("--measured", action="store_true", help="use measured step durations from the evidence")
    _common(est)
    est.set_defaults(func=run_estimate)
    sug = commands.add_parser("suggest", help="cheaper settings per step from ctrl_ingestion_runs/_cost")
    add_project_arguments(sug)
    _common(sug)
    sug.set_defaults(func=run_suggest)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs-per-day", type=float, help="override the schedule (default: from the cron)")
    parser.add_argument("--since", default="30d", help="evidence window for measured durations (30d)")
    parser.add_argument(
        "--dpu-hour-usd", type=float, help=f"Standard price (default {RATES['standard_usd_per_dpu_hour']})"
    )
    parser.add_argument(
        "--flex-dpu-hour-usd", type=float, help=f"Flex price (default {RATES['flex_usd_per_dpu_hour']})"
    )
    add_local_arguments(parser)
    add_aws_arguments(parser)
    add_athena_arguments(parser)


def _rates(args: argparse.Namespace) -> dict[str, Any]:
    rates = {}
    if args.dpu_hour_usd is not None:
        rates["standard_usd_per_dpu_hour"] = args.dpu_hour_usd
    if args.flex_dpu_hour_usd is not None:
        rates["flex_usd_per_dpu_hour"] = args.flex_dpu_hour_usd
    return rates


def _measured(args: argparse.Namespace, plan) -> tuple[dict[str, float], dict[str, float]]:
    since = datetime.now(UTC) - parse_since(args.since)
    rows, billed = measured_rows(backend_from(args, plan), plan, since)
    return median_durations(rows), billed


def run_estimate(args: argparse.Namespace) -> int:
    plan = project_from(args)
    if args.layout:
        environment = dict(plan.environment or {})
        parameters = dict(environment.get("parameters") or {})
        parameters["aws"] = {**(parameters.get("aws") or {}), "packing": args.layout}
        plan = replace(plan, environment={**environment, "parameters": parameters})
    durations = _measured(args, plan)[0] if args.measured else {}
    result = estimate(plan, pack_layout(plan), durations, args.runs_per_day, _rates(args)).as_dict()
    if args.json:
        print_json(result)
        return 0
    print(f"project {result['project']}  layout {result['layout']}  runs/day {result['runs_per_day']:g} "
          f"({result['runs_per_day_source']})")  # fmt: skip
    print(
        f"{'JOB':<30} {'STEPS':>5} {'WORKERS':>10} {'CLASS':>8} {'RUN S':>7} {'BILLED DPU-S':>12} {'USD/RUN':>9}"
    )
    for job in result["jobs"]:
        workers = f"{job['workers']}x{job['worker_type']}"
        print(f"{job['job'][:30]:<30} {len(job['steps']):>5} {workers:>10} {job['execution_class']:>8} "
              f"{job['run_seconds']:>7.0f} {job['billed_dpu_seconds']:>12.0f} {job['usd_per_run']:>9.4f}")  # fmt: skip
    print(f"per run {result['dpu_seconds_per_run']:.0f} DPU-s ${result['usd_per_run']:.4f}; "
          f"per day {result['dpu_seconds_per_day']:.0f} DPU-s ${result['usd_per_day']:.2f}; "
          f"per month ${result['usd_per_month']:.2f}")  # fmt: skip
    return 0


def run_suggest(args: argparse.Namespace) -> int:
    plan = project_from(args)
    durations, billed = _measured(args, plan)
    result = suggest(plan, durations, args.runs_per_day, billed)
    if args.json:
        print_json(result)
        return 0
    current = result["current"]
    print(f"project {result['project']}  layout {result['layout']}: ${current['usd_per_month']:.2f}/month "
          f"(measured steps: {', '.join(result['measured_steps']) or 'none'})")  # fmt: skip
    if not result["proposals"]:
        print("no cheaper setting found")
    for proposal in result["proposals"]:
        print(
            f"  save ${proposal['usd_per_month_saving']:>8.2f}/month  {proposal['scope']}: {proposal['change']}"
        )
    return 0
