"""``contractforge sql [NAME] [--list] [--dialect trino|spark] [--database DB] [--since 7d] [--target T]``.

Prints one of the named evidence queries (``contractforge/ops/sql/*.sql``) for dashboards: the
Athena text with its placeholders by default, or filled in / transpiled when options are given.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from contractforge.ops import sql_catalog
from contractforge.ops.audit import parse_since


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sql", help="print a named evidence query (for dashboards)")
    parser.add_argument("name", nargs="?", metavar="NAME", help="query name (see --list)")
    parser.add_argument("--list", action="store_true", help="list the query names with a description")
    parser.add_argument(
        "--dialect",
        choices=("trino", "spark"),
        default="trino",
        help="trino = Athena (default), spark = the local glue_catalog",
    )
    parser.add_argument("--database", help="fill in {db} (and {since}/{now}/{targets}) for this database")
    parser.add_argument("--since", default="7d", help="window for {since} when filling in (default 7d)")
    parser.add_argument(
        "--target", action="append", default=[], help="target table for {targets} (repeatable)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.list or not args.name:
        width = max(len(n) for n in sql_catalog.query_names())
        for name in sql_catalog.query_names():
            print(f"{name.ljust(width)}  {sql_catalog.description(name)}")
        return 0 if args.list else 2
    if not args.database and args.dialect == "trino":
        print(sql_catalog.query_text(args.name), end="")
        return 0
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    print(
        sql_catalog.render(
            args.name,
            args.dialect,
            args.database or "evidence_db",
            since=now - parse_since(args.since),
            now=now,
            targets=args.target,
        )
        + ";"
    )
    return 0
