"""``contractforge compile PROJECT --env aws --out build/aws [--check]``: the Terraform root + artifacts.

Exit codes: 0 written / fresh, 1 blockers or (with --check) an out-of-date build, 2 invalid input,
3 written / fresh but with --exclude-unrunnable steps were left out (listed on stderr).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_LEFT_OUT = 0, 1, 3


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compile",
        help="compile a project into a self-contained Terraform root (main.tf.json, modules/, artifacts/)",
        description="Compile a project into a Terraform JSON root with vendored modules and run artifacts.",
    )
    parser.add_argument("project", help="project directory or project.yaml")
    parser.add_argument("--env", default="aws", help="environment key in project.yaml (default: aws)")
    parser.add_argument("--out", default=None, help="output directory (default: build/<env>)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and list stale/missing/extra files when the output is out of date",
    )
    parser.add_argument(
        "--module-source",
        default="vendored",
        help="'vendored' (copy terraform/modules into <out>/modules) or a pinned git source "
        "git::https://host/repo.git?ref=vX (modules referenced as <source>//terraform/modules/<name>)",
    )
    parser.add_argument(
        "--endpoint-url",
        default=None,
        help="also write endpoints_override.tf.json pointing the AWS provider at this URL (moto tests only)",
    )
    parser.add_argument(
        "--exclude-unrunnable",
        action="store_true",
        help="leave out steps that are not runnable (review required / unsupported) and every step that "
        "depends on them; they are listed and the exit code is 3 (default: nothing is compiled)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = args.out or f"build/{args.env}"
    if (
        args.check and not args.exclude_unrunnable
    ):  # the recorded compile still holds: answered without loading the compiler
        from contractforge.compile_record import compile_options, up_to_date

        options = compile_options(args.project, args.env, args.module_source, args.endpoint_url)
        unchanged = up_to_date(Path(out), options)
        if unchanged is not None:
            print(f"{out} is up to date ({unchanged} files)")
            return EXIT_OK
    from contractforge.api import compile_project

    result = compile_project(
        args.project,
        args.env,
        out,
        check=args.check,
        module_source=args.module_source,
        endpoint_url=args.endpoint_url,
        exclude_unrunnable=args.exclude_unrunnable,
    )
    if result.blocked_steps:
        print(
            "error: not compiled; steps with blockers (see `contractforge plan`): "
            + ", ".join(result.blocked_steps),
            file=sys.stderr,
        )
        for line in result.blockers:
            print(f"  {line}", file=sys.stderr)
        if "(project)" not in result.blocked_steps:
            print(
                "  (--exclude-unrunnable compiles the rest, leaving these and their dependants out)",
                file=sys.stderr,
            )
        return EXIT_FAILED
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for note in result.notes:
        print(note, file=sys.stderr)
    if result.excluded:
        print(
            f"LEFT OUT of {out} (--exclude-unrunnable): {len(result.excluded)} step(s) will not be deployed:",
            file=sys.stderr,
        )
        for name, reason in result.excluded.items():
            print(f"  {name}: {reason}", file=sys.stderr)
    if args.check:
        if result.diff is not None and not result.diff.fresh:
            print(f"{out} is out of date (run `contractforge compile {args.project} --out {out}`):")
            print(result.diff.render())
            return EXIT_FAILED
        print(f"{out} is up to date ({len(result.outputs)} files)")
        return EXIT_LEFT_OUT if result.excluded else EXIT_OK
    changed = len(result.diff.missing) + len(result.diff.stale) + len(result.diff.extra) if result.diff else 0
    print(
        f"compiled {args.project} -> {out}: {len(result.outputs)} files, {result.total_bytes} bytes ({changed} changed)"
    )
    return EXIT_LEFT_OUT if result.excluded else EXIT_OK
