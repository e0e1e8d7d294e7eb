"""``contractforge evidence ensure PROJECT [--env aws]``: create/upgrade the evidence tables via Athena."""

from __future__ import annotations

import argparse

from contractforge.cli import common
from contractforge.ops.evidence_ddl import ensure_evidence
from contractforge.ops.project import evidence_location


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("evidence", help="manage the evidence tables")
    actions = parser.add_subparsers(dest="evidence_action", metavar="ACTION")
    ensure = actions.add_parser(
        "ensure", help="create the evidence database/tables (Athena DDL), add missing columns"
    )
    common.add_project_arguments(ensure)
    ensure.add_argument("--location", help="database location s3://…/<db>.db/ (default: from the run plans)")
    common.add_aws_arguments(ensure)
    common.add_athena_arguments(ensure)
    ensure.set_defaults(func=run_ensure)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def run_ensure(args: argparse.Namespace) -> int:
    plan = common.project_from(args)
    session = common.session_from(args, plan)
    athena = common.athena_from(args, plan, session)
    results = ensure_evidence(session, athena, args.location or evidence_location(plan))
    if args.json:
        common.print_json({"project": plan.name, "database": athena.database, "tables": results})
    else:
        for result in results:
            print(f"{result['action']:<14} {result['table']}")
    return 0
