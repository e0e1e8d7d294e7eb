"""``contractforge record-cost PROJECT [--env aws] [--run-id ID ...] [--steps a,b] [--json]``.

One ctrl_ingestion_cost row per signal for every terminal Glue run of the project's jobs (or the
given runs), written through Athena INSERT INTO; re-recording a run adds nothing.
"""

from __future__ import annotations

import argparse

from contractforge.cli import common
from contractforge.ops.cost_recording import finished_runs, record_cost, with_members
from contractforge.ops.glue_runs import GlueJobs
from contractforge.ops.project import select_steps
from contractforge.planner.packing import pack_layout


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("record-cost", help="record Glue DPU-second cost evidence (idempotent)")
    common.add_project_arguments(parser)
    parser.add_argument(
        "--run-id",
        action="append",
        default=[],
        help="<job name>:<glue run id> or a bare Glue run id (repeatable; default: every run)",
    )
    parser.add_argument("--steps", help="comma-separated steps whose runs to record (default: every step)")
    common.add_aws_arguments(parser)
    common.add_athena_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    plan = common.project_from(args)
    steps = select_steps(plan, args.steps)
    layout = pack_layout(plan)
    jobs = layout.job_plan(plan)  # packed layouts: the pack jobs hold the runs
    if layout.packed:
        wanted = {layout.pack_of(step.name).name for step in steps}
        steps = [unit for unit in jobs.steps if unit.name in wanted]
    session = common.session_from(args, plan)
    run_ids = [r for value in args.run_id for r in value.split(",") if r.strip()]
    runs = with_members(finished_runs(GlueJobs(session), jobs, steps, run_ids or None), layout, plan)
    results = record_cost(common.athena_from(args, plan, session), runs)
    if args.json:
        common.print_json({"project": plan.name, "results": results})
    else:
        for result in results:
            print(f"{result['run_id']}  {result['state']}  {result['status']}  {result.get('signals', '')}")
        print(
            f"{sum(r['status'] == 'RECORDED' for r in results)} run(s) recorded, "
            f"{sum(r['status'] == 'ALREADY_RECORDED' for r in results)} already recorded"
        )
    return 0
