"""``contractforge locks PROJECT [--local [--home DIR] | --env aws]`` and
``contractforge locks release TARGET --run-id ID --reason TEXT [--project PROJECT] [...]``.

Lists the project's live target locks with their holders (run id, Glue job run or host/pid, since
when, and whether the next run would take the lock over), or releases one deliberately: only if
that run still holds it, recording who and why in ``ctrl_ingestion_locks`` (ops/locks.py).
Exit codes: 0 listed / released, 1 the run does not hold that lock (nothing changed), 2 bad input.
"""

from __future__ import annotations

import argparse

from contractforge.cli import common
from contractforge.errors import ContractForgeError
from contractforge.ops import locks as ops_locks


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "locks",
        help="list a project's live target locks, or release one (locks release TARGET --run-id ID --reason TEXT)",
    )
    parser.add_argument(
        "words",
        nargs="+",
        metavar="PROJECT | release TARGET",
        help="a project to list, or `release` and a step name or target table",
    )
    parser.add_argument(
        "--project", default=".", help="with release: the project (default: the current directory)"
    )
    parser.add_argument("--run-id", help="with release: the run holding the lock")
    parser.add_argument("--reason", help="with release: why it is released (recorded)")
    parser.add_argument("--env", default="aws", help="environment key of project.yaml (default: aws)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    common.add_backend_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    words = list(args.words)
    if words[0] == "release":
        return _release(args, words[1:])
    if len(words) != 1:
        raise ContractForgeError.single("give one PROJECT, or `release TARGET`", field="locks")
    args.path = words[0]
    plan = common.project_from(args)
    views = ops_locks.list_locks(plan, _store(args, plan))
    if args.json:
        common.print_json({"project": plan.name, "locks": [v.as_dict() for v in views]})
        return 0
    if not views:
        print(f"no live locks in project {plan.name}")
    for view in views:
        lock = view.as_dict()
        line = f"{lock['target_table']}: run {lock['run_id']} ({lock['holder']}) since {lock['since']} [{view.state}]"
        print(line + (f" - {view.note}" if view.note else ""))
    return 0


def _release(args: argparse.Namespace, words: list[str]) -> int:
    if len(words) != 1:
        raise ContractForgeError.single(
            "locks release takes one TARGET (a step name or target table)", field="TARGET"
        )
    if not args.run_id or not args.reason:
        raise ContractForgeError.single(
            "locks release needs --run-id and --reason", field="--run-id/--reason"
        )
    args.path = args.project
    plan = common.project_from(args)
    store = _store(args, plan)
    operator = (
        ops_locks.local_operator() if args.local else ops_locks.aws_operator(common.session_from(args, plan))
    )
    try:
        row = ops_locks.release_lock(
            plan, store, common.backend_from(args, plan), words[0], args.run_id, args.reason, operator
        )
    except LookupError as refused:
        common.stderr_line(f"error: {refused}")
        return 1
    if args.json:
        common.print_json(row)
    else:
        print(
            f"released the lock of run {row['run_id']} on {row['target_table']} ({row['released_by']}: {row['reason']})"
        )
    return 0


def _store(args: argparse.Namespace, plan):
    if args.local:
        return ops_locks.local_store(args.home)
    return ops_locks.aws_store(plan, common.session_from(args, plan))
