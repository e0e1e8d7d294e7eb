"""``contractforge plan PROJECT [--env aws] [--json]``: what each step will do, and whether it can.

Prints one row per step (step, layer, mode, status, diagnostic codes), then every diagnostic
with ``file:line``. Exit 0 when every step is runnable, 1 when any step is REVIEW_REQUIRED or
UNSUPPORTED, 2 for invalid input (printed by the dispatcher, never a traceback).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from contractforge.api import plan_project
from contractforge.project_plan import Diagnostic, ProjectPlan, StepPlan

MODE_ALIASES = {
    "scd0_append": "append",
    "scd0_overwrite": "overwrite",
    "scd1_upsert": "upsert",
    "scd1_hash_diff": "hash_diff_upsert",
    "scd2_historical": "historical",
    "snapshot_soft_delete": "snapshot_reconcile_soft_delete",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("plan", help="plan a project: per-step status and diagnostics")
    parser.add_argument("path", help="project directory or project.yaml")
    parser.add_argument("--env", default="aws", help="environment key of project.yaml (default: aws)")
    parser.add_argument("--json", action="store_true", help="print the plan summary as JSON on stdout")
    parser.set_defaults(func=run)


def step_mode(step: StepPlan) -> str:
    return MODE_ALIASES.get(step.mode, step.mode) or "-"


def _where(diagnostic: Diagnostic) -> str:
    if diagnostic.file and diagnostic.line:
        return f"{diagnostic.file}:{diagnostic.line}"
    return diagnostic.file or "<project>"


def _diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    return {k: v for k, v in vars(diagnostic).items() if v is not None}


def summary(plan: ProjectPlan) -> dict[str, Any]:
    return {
        "project": plan.name,
        "environment": plan.environment_key,
        "region": plan.region,
        "artifacts_uri": plan.artifacts_uri,
        "warehouse": plan.warehouse,
        "evidence_database": plan.evidence_database,
        "state_machine_name": plan.state_machine_name,
        "schedule": vars(plan.schedule) if plan.schedule else None,
        "runnable": not plan.has_blockers,
        "steps": [
            {
                "name": s.name,
                "layer": s.layer,
                "mode": step_mode(s),
                "status": s.status,
                "runnable": s.runnable,
                "depends_on": list(s.depends_on),
                "target": s.target_identifier,
                "glue_job": s.glue.name,
                "contract": s.contract_path,
                "diagnostics": [_diagnostic_json(d) for d in s.diagnostics],
            }
            for s in plan.steps
        ],
        "diagnostics": [_diagnostic_json(d) for d in plan.diagnostics],
    }


def render_table(plan: ProjectPlan) -> str:
    rows = [("STEP", "LAYER", "MODE", "STATUS", "CODES")]
    for step in plan.steps:
        codes = ",".join(d.code for d in step.diagnostics if d.severity != "info") or "-"
        rows.append((step.name, step.layer, step_mode(step), step.status, codes))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [f"project {plan.name} (env {plan.environment_key}, region {plan.region})", ""]
    lines += [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4] for row in rows
    ]
    details = [(step.name, d) for step in plan.steps for d in step.diagnostics]
    details += [("project", d) for d in plan.diagnostics]
    if details:
        lines.append("")
        for owner, d in details:
            field = f"{d.field}: " if d.field else ""
            lines.append(f"{d.severity}: {_where(d)}: [{owner}] {d.code}: {field}{d.message}")
    runnable = sum(1 for s in plan.steps if s.runnable)
    lines += ["", f"{runnable}/{len(plan.steps)} step(s) runnable"]
    return "\n".join(line.rstrip() for line in lines)


def run(args: argparse.Namespace) -> int:
    plan = plan_project(args.path, args.env)
    if args.json:
        print(json.dumps(summary(plan), indent=2, sort_keys=True))
    else:
        print(render_table(plan))
    return 1 if plan.has_blockers else 0
