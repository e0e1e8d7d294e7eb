"""``contractforge audit PROJECT [--env aws] [--since 7d] [--json] [--local [--home DIR]]``.

Runs the named evidence queries over Athena (or, with --local, over the local glue_catalog that
``run --local`` writes, read from its Iceberg metadata with DuckDB; ``--spark`` reads it through Spark) and
judges them: exit 1 with the list of violations when a threshold is crossed (failed runs, freshness SLA breaches, quarantine ratio, orphan cost rows, expired locks, target commits without evidence). Open locks are read from the lock store (the home's locks.sqlite, the project's DynamoDB table).
"""

from __future__ import annotations

import argparse

from contractforge.cli import common
from contractforge.ops.audit import AuditThresholds, parse_since, run_audit
from contractforge.ops.locks import aws_store, local_store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "audit", help="audit the evidence tables and judge them against thresholds"
    )
    common.add_project_arguments(parser)
    parser.add_argument("--since", default="7d", help="window: 30m, 12h, 7d, 2w (default 7d)")
    common.add_local_arguments(parser)
    common.add_spark_reader_argument(parser)
    parser.add_argument(
        "--max-failed-runs",
        type=int,
        default=0,
        help="failed runs tolerated (steps expected to fail excluded; default 0)",
    )
    parser.add_argument(
        "--max-quarantine-ratio",
        type=float,
        default=0.05,
        help="quarantined / read rows tolerated per target (default 0.05)",
    )
    parser.add_argument(
        "--max-orphan-cost-rows", type=int, default=0, help="cost rows without a run tolerated (default 0)"
    )
    parser.add_argument("--no-freshness", action="store_true", help="do not judge freshness_sla_minutes")
    parser.add_argument("--allow-expired-locks", action="store_true", help="report expired locks as warnings")
    common.add_aws_arguments(parser)
    common.add_athena_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    plan = common.project_from(args)
    thresholds = AuditThresholds(
        max_failed_runs=args.max_failed_runs,
        max_quarantine_ratio=args.max_quarantine_ratio,
        max_orphan_cost_rows=args.max_orphan_cost_rows,
        check_freshness=not args.no_freshness,
        fail_on_expired_locks=not args.allow_expired_locks,
    )
    backend = common.reader_from(args, plan)
    if args.local:
        store = local_store(args.home)
    else:
        store = aws_store(plan, common.session_from(args, plan))
    report = run_audit(backend, plan, since=parse_since(args.since), thresholds=thresholds, lock_store=store)
    if args.json:
        common.print_json(report.as_dict())
    else:
        print(report.text())
    return report.exit_code
