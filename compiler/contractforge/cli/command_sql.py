"""``contractforge sql [NAME | --file F] [--list] [--dialect …] [--project P] [--local | --run]``.

Prints one of the named evidence queries (``contractforge/ops/sql/*.sql``) for dashboards: the
Athena text with its placeholders by default, or filled in / transpiled when options are given.
``--file`` takes dashboard SQL written the operations guide's way (Spark SQL on
``main.ops.ctrl_ingestion_*``) and adapts it (``ops.dashboard_sql``). With ``--local`` the
statements run on the local evidence (Iceberg metadata + DuckDB), with ``--run`` on Athena; rows are
printed (``--json`` for JSON).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from contractforge_runtime.evidence.schema import rename_tables

from contractforge.cli import common
from contractforge.errors import ContractForgeError, Problem
from contractforge.ops import dashboard_sql, sql_catalog
from contractforge.ops.audit import format_rows, jsonable_rows, parse_since
from contractforge.ops.project import target_tables


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sql", help="print or run a named evidence query (for dashboards)")
    parser.add_argument("name", nargs="?", metavar="NAME", help="query name (see --list)")
    parser.add_argument("--list", action="store_true", help="list the query names with a description")
    parser.add_argument("--file", help="run/print guide-style dashboard SQL (main.ops.ctrl_ingestion_*)")
    parser.add_argument(
        "--dialect",
        choices=("trino", "spark", "duckdb"),
        default="trino",
        help="trino = Athena (default), spark = the local glue_catalog, duckdb = the light local reader",
    )
    parser.add_argument("--since", default="7d", help="window for {since} when filling in (default 7d)")
    parser.add_argument(
        "--target", action="append", default=[], help="target table for {targets} (repeatable)"
    )
    parser.add_argument("--project", help="project directory: its evidence database and target tables")
    parser.add_argument("--env", default="aws", help="environment key of project.yaml (default: aws)")
    parser.add_argument("--run", action="store_true", help="run on Athena and print the rows")
    parser.add_argument("--json", action="store_true", help="print rows as JSON")
    common.add_local_arguments(parser)
    common.add_aws_arguments(parser)
    common.add_athena_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.list or not (args.name or args.file):
        width = max(len(n) for n in sql_catalog.query_names())
        for name in sql_catalog.query_names():
            print(f"{name.ljust(width)}  {sql_catalog.description(name)}")
        return 0 if args.list else 2
    project = argparse.Namespace(path=args.project, env=args.env, local=args.local, home=args.home)
    plan = common.project_from(project) if args.project else None
    database = args.database or (plan.evidence_database if plan else None)
    targets = args.target or (target_tables(plan) if plan else [])
    executing = args.local or args.run
    if executing and not plan:
        raise ContractForgeError([Problem(message="--local/--run need --project PROJECT", field="--project")])
    dialect = "duckdb" if args.local else ("trino" if args.run else args.dialect)
    # evidence.table_prefix: the catalog's names (the light local reader keeps the default names)
    prefix = plan.evidence_table_prefix if plan and dialect != "duckdb" else None
    statements = _statements(args, dialect, database, targets, prefix)
    if not executing:
        raw = args.name and not database and dialect == "trino"  # the file as is, placeholders kept
        print(";\n\n".join(statements) + ("" if raw else ";"))
        return 0
    backend = common.reader_from(args, plan)
    results = [backend.run(statement) for statement in statements]
    if args.json:
        common.print_json(
            [jsonable_rows(rows) for rows in results] if args.file else jsonable_rows(results[0])
        )
        return 0
    for rows in results:
        print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
        print("\n".join(format_rows(rows, limit=100)))
    return 0


def _statements(
    args: argparse.Namespace, dialect: str, database: str | None, targets: list[str], prefix: str | None
) -> list[str]:
    if args.file:
        path = Path(args.file)
        if not path.is_file():
            raise ContractForgeError([Problem(message="no such file", file=args.file, field="--file")])
        db = database or "evidence_db"
        return [
            rename_tables(dashboard_sql.adapt(statement, dialect, db, source=args.file), prefix)
            for statement in dashboard_sql.split_statements(path.read_text(encoding="utf-8"))
        ]
    if not database and dialect == "trino":
        return [sql_catalog.query_text(args.name).rstrip().rstrip(";")]
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    return [
        sql_catalog.render(
            args.name,
            dialect,
            database or "evidence_db",
            since=now - parse_since(args.since),
            now=now,
            targets=targets,
            table_prefix=prefix,
        )
    ]
