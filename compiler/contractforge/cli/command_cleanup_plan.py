"""``contractforge cleanup-plan PROJECT [--env aws] [--json]``: list what the project created (never deletes)."""

from __future__ import annotations

import argparse

from contractforge.cli import common
from contractforge.ops.cleanup_plan import cleanup_plan, cleanup_text


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "cleanup-plan", help="list the resources a project created (never deletes)"
    )
    common.add_project_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    payload = cleanup_plan(common.project_from(args))
    common.print_json(payload) if args.json else print(cleanup_text(payload))
    return 0
