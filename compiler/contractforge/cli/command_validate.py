"""``contractforge validate PATH [--env aws] [--json]``: load and validate without planning.

PATH may be a project directory or project.yaml (every step's contract for ``--env``), a
contract file / bundle directory, an environment file, or any directory (every
``*.ingestion.yaml`` below it). Exit 0 when valid, 2 when not; problems go to stderr as
``error: file:line:col: field: message (did you mean 'x'?)``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from contractforge.api import ValidationReport, validate_path
from contractforge.errors import ContractForgeError, Problem


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate", help="validate a project, a contract or a directory of contracts"
    )
    parser.add_argument(
        "path", help="project dir, project.yaml, contract file/dir, environment file or a directory"
    )
    parser.add_argument("--env", default="aws", help="environment key of project.yaml (default: aws)")
    parser.add_argument("--json", action="store_true", help="print a JSON report on stdout")
    parser.add_argument(
        "--kind",
        choices=("contract", "environment", "connection"),
        help="file kind of a single file (default: guessed from the name and folder)",
    )
    parser.set_defaults(func=run)


def _problem_json(problem: Problem) -> dict:
    return {k: v for k, v in vars(problem).items() if v is not None}


def run(args: argparse.Namespace) -> int:
    try:
        report = validate_path(Path(args.path), args.env, args.kind)
    except ContractForgeError as exc:
        report = ValidationReport(kind="unknown", problems=list(exc.problems))
    if args.json:
        payload = {
            "valid": not report.problems,
            "kind": report.kind,
            "checked": report.checked,
            "problems": [_problem_json(p) for p in report.problems],
            "warnings": [{k: v for k, v in vars(w).items() if v is not None} for w in report.warnings],
        }
        print(json.dumps(payload, indent=2, sort_keys=True))
    else:
        for warning in report.warnings:
            where = (
                f"{warning.file}:{warning.line}: "
                if warning.file and warning.line
                else (f"{warning.file}: " if warning.file else "")
            )
            print(f"{warning.severity}: {where}{warning.message} [{warning.code}]", file=sys.stderr)
        for problem in report.problems:
            print(f"error: {problem.render()}", file=sys.stderr)
        if not report.problems:
            print(f"valid: {report.kind} ({len(report.checked)} file(s) checked)")
    return 2 if report.problems else 0
