"""`cleanup-plan`: what a project created, and how one would remove it. Lists; never deletes."""

from __future__ import annotations

from typing import Any

from contractforge.project_plan import ProjectPlan


def cleanup_plan(plan: ProjectPlan) -> dict[str, Any]:
    region = ["--region", plan.region]
    resources: list[dict[str, Any]] = []
    for step in plan.steps:
        resources.append(
            {
                "kind": "glue_job",
                "name": step.glue.name,
                "step": step.name,
                "managed_by": "terraform",
                "command": ["aws", "glue", "delete-job", "--job-name", step.glue.name, *region],
            }
        )
    if plan.state_machine_name:
        resources.append(
            {
                "kind": "state_machine",
                "name": plan.state_machine_name,
                "managed_by": "terraform",
                "command": [
                    "aws",
                    "stepfunctions",
                    "delete-state-machine",
                    "--state-machine-arn",
                    f"arn:aws:states:{plan.region}:<account>:stateMachine:{plan.state_machine_name}",
                    *region,
                ],
            }
        )
    if plan.schedule:
        name = plan.schedule.name or plan.state_machine_name or plan.name
        resources.append(
            {
                "kind": "schedule",
                "name": name,
                "managed_by": "terraform",
                "command": ["aws", "scheduler", "delete-schedule", "--name", name, *region],
            }
        )
    for step in plan.steps:
        database, _, table = step.target_identifier.removeprefix("glue_catalog.").partition(".")
        resources.append(
            {
                "kind": "iceberg_table",
                "name": step.target_identifier,
                "step": step.name,
                "managed_by": "runtime (data)",
                "command": [
                    "aws",
                    "glue",
                    "delete-table",
                    "--database-name",
                    database,
                    "--name",
                    table,
                    *region,
                ],
            }
        )
    databases = sorted({s.target_database for s in plan.steps} | {plan.evidence_database})
    for database in databases:
        resources.append(
            {
                "kind": "glue_database",
                "name": database,
                "managed_by": "evidence" if database == plan.evidence_database else "runtime (data)",
                "command": ["aws", "glue", "delete-database", "--name", database, *region],
            }
        )
    for kind, uri in (("artifacts_prefix", plan.artifacts_uri), ("warehouse_prefix", plan.warehouse)):
        if uri:
            resources.append(
                {
                    "kind": kind,
                    "name": uri,
                    "managed_by": "terraform" if kind == "artifacts_prefix" else "runtime (data)",
                    "command": ["aws", "s3", "rm", uri, "--recursive", *region],
                }
            )
    return {
        "project": plan.name,
        "region": plan.region,
        "destructive": False,
        "mode": "plan",
        "notes": [
            "Nothing was deleted. Resources managed_by terraform go with `terraform destroy` in the build directory.",
            "Data (Iceberg tables, the warehouse prefix, the evidence database) outlives terraform: review before "
            "running the commands; the warehouse and databases may be shared with other projects.",
        ],
        "resources": resources,
    }


def cleanup_text(payload: dict[str, Any]) -> str:
    lines = [f"cleanup plan for {payload['project']} ({payload['region']}) — nothing is deleted", ""]
    for resource in payload["resources"]:
        lines.append(f"{resource['kind']:<17} {resource['name']}  [{resource['managed_by']}]")
        lines.append("    " + " ".join(resource["command"]))
    lines.append("")
    lines.extend(payload["notes"])
    return "\n".join(lines)
