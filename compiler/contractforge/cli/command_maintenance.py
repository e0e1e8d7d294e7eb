"""``contractforge maintenance retention|compact|cost-report PROJECT``.

- ``retention --days N [--execute]``: delete evidence older than N days from the date-partitioned
  tables (ctrl_ingestion_runs, ctrl_ingestion_errors, ctrl_ingestion_deployment_versions); dry run by default.
- ``compact [--execute]``: rewrite the small files (and merge-on-read delete files) of every target
  and evidence table into few and expire old snapshots (Athena OPTIMIZE + VACUUM, or Iceberg
  procedures locally); dry run by default.
- ``cost-report [--dpu-hour-usd 0.44] [--since 30d]``: runs, rows, DPU-seconds and estimated cost per
  target and per million rows written.
"""

from __future__ import annotations

import argparse

from contractforge.cli import common
from contractforge.ops.audit import parse_since
from contractforge.ops.compaction import run_compaction
from contractforge.ops.maintenance import cost_report, run_retention
from contractforge.ops.project import target_tables


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("maintenance", help="evidence retention, compaction and cost report")
    actions = parser.add_subparsers(dest="maintenance_action", metavar="ACTION")

    retention = actions.add_parser("retention", help="delete evidence older than --days (dry run by default)")
    common.add_project_arguments(retention)
    retention.add_argument("--days", type=int, required=True, help="keep this many days of evidence")
    retention.add_argument("--execute", action="store_true", help="really delete (default: dry run)")
    common.add_backend_arguments(retention)
    retention.set_defaults(func=run_retention_command)

    compact = actions.add_parser("compact", help="compact target and evidence tables (dry run by default)")
    common.add_project_arguments(compact)
    compact.add_argument("--execute", action="store_true", help="really compact (default: dry run)")
    common.add_backend_arguments(compact)
    compact.set_defaults(func=run_compact_command)

    report = actions.add_parser("cost-report", help="estimated cost per target and per million rows")
    common.add_project_arguments(report)
    report.add_argument("--dpu-hour-usd", type=float, default=None, help="price of a DPU-hour, e.g. 0.44")
    report.add_argument("--since", default="30d", help="window (default 30d)")
    common.add_backend_arguments(report)
    report.set_defaults(func=run_cost_report)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def run_retention_command(args: argparse.Namespace) -> int:
    return _run_table_maintenance(
        args,
        lambda backend, plan: run_retention(backend, args.days, execute=args.execute),
        _retention_lines,
        "deleted",
    )


def _retention_lines(result: dict, execute: bool) -> list[str]:
    line = (
        f"{result['action']:<18} {result['table']:<28} {result['rows']:>10} row(s) before {result['cutoff']}"
    )
    return [line] if execute else [line, f"  {result['statement']}"]


def run_compact_command(args: argparse.Namespace) -> int:
    def compact(backend, plan):
        targets = tuple(tuple(name.split(".")[-2:]) for name in target_tables(plan))
        return run_compaction(backend, execute=args.execute, targets=targets)

    return _run_table_maintenance(args, compact, _compaction_lines, "compacted")


def _compaction_lines(result: dict, execute: bool) -> list[str]:
    files = result["data_files_before"]
    after = f" -> {result['data_files_after']}" if result.get("data_files_after") is not None else ""
    lines = [
        f"{result['action']:<14} {result['table']:<30} {'?' if files is None else files:>6} file(s){after}"
    ]
    if not execute and result["action"] == "DRY_RUN":
        lines += [f"  {statement}" for statement in result["statements"]]
    return lines


def _run_table_maintenance(args: argparse.Namespace, run, lines, verb: str) -> int:
    """Run one maintenance action over the project's tables; print JSON or one block per table."""
    plan = common.project_from(args)
    backend = common.backend_from(args, plan)
    results = run(backend, plan)
    if args.json:
        common.print_json(
            {"project": plan.name, "database": backend.database, "execute": args.execute, "tables": results}
        )
        return 0
    for result in results:
        for line in lines(result, args.execute):
            print(line)
    if not args.execute:
        print(f"dry run: nothing {verb} (add --execute)")
    return 0


def run_cost_report(args: argparse.Namespace) -> int:
    plan = common.project_from(args)
    backend = common.backend_from(args, plan)
    rows = cost_report(backend, plan, dpu_hour_usd=args.dpu_hour_usd, since=parse_since(args.since))
    if args.json:
        common.print_json({"project": plan.name, "since": args.since, "targets": rows})
        return 0
    print(
        f"{'TARGET':<50} {'RUNS':>5} {'ROWS WRITTEN':>13} {'BILLED DPU-H':>13} {'USD':>10} {'USD/M ROWS':>11}"
    )
    for row in rows:
        usd = row.get("estimated_cost_usd")
        per_million = row.get("cost_per_million_rows_usd")
        print(
            f"{row['target_table']:<50} {int(row.get('runs') or 0):>5} {int(row.get('rows_written') or 0):>13} "
            f"{row['billed_dpu_hours']:>13.4f} {'-' if usd is None else f'{usd:.4f}':>10} "
            f"{'-' if per_million is None else f'{per_million:.4f}':>11}"
        )
    if args.dpu_hour_usd is None:
        print("no --dpu-hour-usd given: DPU-hours only")
    return 0
