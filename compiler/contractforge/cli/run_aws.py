"""The AWS half of ``contractforge run`` (``command_run`` delegates here without ``--local``).

``add_arguments(parser)`` adds the AWS-only options to the ``run`` parser (``command_run`` owns
the shared ones: path, --env, --steps, --accept-expected-failures, --json). ``execute(args) -> int``
runs the project directly or through Step Functions, prints progress on stderr and a summary on
stdout (or JSON with --json), optionally records cost, and returns 1 on any unexpected result.
"""

from __future__ import annotations

import argparse
import time

from contractforge.cli import common
from contractforge.errors import ContractForgeError, Problem
from contractforge.ops.cost_recording import FinishedRun, record_cost, with_members
from contractforge.ops.direct_run import RunOptions, run_direct
from contractforge.ops.orchestrated_run import run_orchestrated
from contractforge.ops.packed_runs import expand_summary
from contractforge.ops.project import require_runnable, select_steps
from contractforge.planner.packing import pack_layout


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wait", action="store_true", help="wait for the runs and gate dependants on them")
    parser.add_argument(
        "--orchestration",
        action="store_true",
        help="start the project's Step Functions state machine instead of the jobs directly",
    )
    parser.add_argument(
        "--execution-key",
        help="with --orchestration: names the execution (default: the UTC date), so a repeat attaches",
    )
    parser.add_argument(
        "--max-wait-seconds", type=float, default=3600.0, help="give up waiting after this (3600)"
    )
    parser.add_argument("--poll-interval-seconds", type=float, default=30.0, help="poll interval (30)")
    parser.add_argument(
        "--record-cost",
        action="store_true",
        help="after waiting, record ctrl_ingestion_cost rows for the finished runs (Athena)",
    )
    common.add_aws_arguments(parser)
    common.add_athena_arguments(parser)


def _check(args: argparse.Namespace) -> None:
    problems = []
    if args.orchestration and args.steps:
        problems.append(
            Problem(
                message="--steps cannot be combined with --orchestration "
                "(the state machine runs the whole project)",
                field="--steps",
            )
        )
    if args.record_cost and not args.wait:
        problems.append(
            Problem(
                message="--record-cost needs --wait (cost exists once runs finish)", field="--record-cost"
            )
        )
    if args.max_wait_seconds <= 0 or args.poll_interval_seconds < 0:
        problems.append(Problem(message="--max-wait-seconds must be > 0 and --poll-interval-seconds >= 0"))
    if problems:
        raise ContractForgeError(problems)


def execute(args: argparse.Namespace) -> int:
    _check(args)
    plan = common.project_from(args)
    steps = select_steps(plan, args.steps)
    require_runnable(steps)
    layout = pack_layout(plan)
    jobs = layout.job_plan(plan)  # one unit per Glue job: the steps, or the packs
    if layout.packed:  # a pack runs whole: --steps selects the packs holding those steps
        wanted = {layout.pack_of(step.name).name for step in steps}
        steps = [unit for unit in jobs.steps if unit.name in wanted]
    session = common.session_from(args, plan)
    options = RunOptions(
        wait=args.wait,
        accept_expected_failures=args.accept_expected_failures,
        max_wait_seconds=args.max_wait_seconds,
        poll_interval_seconds=args.poll_interval_seconds,
        run_key=args.idempotency_key,
    )
    if args.orchestration:
        summary = run_orchestrated(
            session, jobs, options, execution_key=args.execution_key, progress=common.stderr_line
        )
    else:
        summary = run_direct(session, jobs, steps, options, progress=common.stderr_line)
    by_name = {step.name: step for step in jobs.steps}
    finished = [FinishedRun(by_name[o.step], o.job_run) for o in summary.outcomes if o.job_run]
    finished = with_members(finished, layout, plan)
    if layout.packed:  # one outcome per step of each pack run
        summary = expand_summary(summary, layout, plan, args.accept_expected_failures)
    cost_error: ContractForgeError | None = None
    if args.record_cost:
        try:
            summary.cost = record_cost(common.athena_from(args, plan, session), finished) if finished else []
        except ContractForgeError as exc:  # the runs are done: still report them
            cost_error = exc
    now = time.monotonic()
    if getattr(args, "json", False):
        common.print_json(summary.as_dict(now))
    else:
        print(summary.table(now))
        for result in summary.cost:
            print(f"cost {result['run_id']}: {result['status']} {result.get('signals', '')}")
    if cost_error is not None:
        common.stderr_line("cost not recorded: " + cost_error.render())
        return max(summary.exit_code, 1)
    return summary.exit_code
