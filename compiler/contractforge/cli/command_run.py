"""``contractforge run PROJECT``: ``--local`` runs on embedded Spark + Iceberg (this module);
without it the run goes to AWS through ``contractforge.cli.run_aws``."""

from __future__ import annotations

import argparse
import json

from contractforge.cli import run_aws


def register(subparsers) -> None:
    parser = subparsers.add_parser("run", help="run a project: locally (--local) or in AWS Glue")
    parser.add_argument("path", metavar="PROJECT", help="project directory or project.yaml")
    parser.add_argument("--local", action="store_true", help="run on a local Spark + Iceberg session")
    parser.add_argument("--env", default="aws", help="environment key of project.yaml (default: aws)")
    parser.add_argument("--steps", help="comma-separated step names to run (default: every step)")
    parser.add_argument(
        "--s3-root",
        default=".contractforge/s3",
        help="--local: where s3:// URIs live (default .contractforge/s3)",
    )
    parser.add_argument(
        "--home",
        default=".contractforge",
        help="--local: warehouse and catalog directory (default .contractforge)",
    )
    parser.add_argument(
        "--accept-expected-failures",
        action="store_true",
        help="steps with expected_result: failed that fail count as EXPECTED_FAILURE (always so with --local)",
    )
    parser.add_argument(
        "--idempotency-key",
        help="per-run idempotency key (e.g. the business date): fills {run_key} in the contract's "
        "idempotency_key, or is the key when the contract has none",
    )
    parser.add_argument("--json", action="store_true", help="print the step results as JSON on stdout")
    run_aws.add_arguments(parser)  # skips options defined above
    parser.set_defaults(func=execute)


def execute(args: argparse.Namespace) -> int:
    if not args.local:
        return run_aws.execute(args)
    from contractforge.local.runner import run_project_locally

    steps = [s.strip() for s in args.steps.split(",") if s.strip()] if args.steps else None
    outcomes = run_project_locally(
        args.path,
        env=args.env,
        steps=steps,
        s3_root=args.s3_root,
        home=args.home,
        run_key=args.idempotency_key,
    )
    if args.json:
        keys = (
            "name",
            "status",
            "quality_status",
            "rows_read",
            "rows_written",
            "rows_quarantined",
            "changes",
            "skip_reason",
            "run_id",
            "expected_result",
            "error_message",
        )
        document = {"steps": [{k: o.as_dict()[k] for k in keys} for o in outcomes]}
        print(json.dumps(document, indent=2, sort_keys=True))
    return 1 if any(o.unexpected for o in outcomes) else 0
