"""`cleanup-plan`: what a project created, and how one would remove it. Lists; never deletes."""

from __future__ import annotations

from typing import Any

from contractforge.project_plan import ProjectPlan


def cleanup_plan(plan: ProjectPlan) -> dict[str, Any]:
    region = ["--region", plan.region]
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
        "resources": _orchestration_resources(plan, region)
        + _data_resources(plan, region)
        + _external_resources(plan),
    }


def _resource(kind: str, name: str, managed_by: str, command: list[str], step: str | None = None) -> dict:
    return {"kind": kind, "name": name, **({"step": step} if step else {}), "managed_by": managed_by,
            "command": command}  # fmt: skip


def _orchestration_resources(plan: ProjectPlan, region: list[str]) -> list[dict[str, Any]]:
    """Glue jobs, the state machine and the schedule (all Terraform's)."""
    resources = [
        _resource(
            "glue_job",
            step.glue.name,
            "terraform",
            ["aws", "glue", "delete-job", "--job-name", step.glue.name, *region],
            step.name,
        )  # fmt: skip
        for step in plan.steps
    ]
    if plan.state_machine_name:
        arn = f"arn:aws:states:{plan.region}:<account>:stateMachine:{plan.state_machine_name}"
        command = ["aws", "stepfunctions", "delete-state-machine", "--state-machine-arn", arn, *region]
        resources.append(_resource("state_machine", plan.state_machine_name, "terraform", command))
    if plan.schedule:
        name = plan.schedule.name or plan.state_machine_name or plan.name
        command = ["aws", "scheduler", "delete-schedule", "--name", name, *region]
        resources.append(_resource("schedule", name, "terraform", command))
    return resources


def _data_resources(plan: ProjectPlan, region: list[str]) -> list[dict[str, Any]]:
    """Iceberg tables, Glue databases and the S3 prefixes (data outlives Terraform)."""
    resources = []
    for step in plan.steps:
        database, _, table = step.target_identifier.removeprefix("glue_catalog.").partition(".")
        command = ["aws", "glue", "delete-table", "--database-name", database, "--name", table, *region]
        resources.append(
            _resource("iceberg_table", step.target_identifier, "runtime (data)", command, step.name)
        )
    for database in sorted({s.target_database for s in plan.steps} | {plan.evidence_database}):
        managed_by = "evidence" if database == plan.evidence_database else "runtime (data)"
        command = ["aws", "glue", "delete-database", "--name", database, *region]
        resources.append(_resource("glue_database", database, managed_by, command))
    for kind, uri in (("artifacts_prefix", plan.artifacts_uri), ("warehouse_prefix", plan.warehouse)):
        if uri:
            managed_by = "terraform" if kind == "artifacts_prefix" else "runtime (data)"
            resources.append(
                _resource(kind, uri, managed_by, ["aws", "s3", "rm", uri, "--recursive", *region])
            )
    return resources


def _external_resources(plan: ProjectPlan) -> list[dict[str, Any]]:
    """project.yaml ``cleanup.external_resources``: what the project relies on but does not create."""
    return [
        {
            "kind": f"external:{external.get('resource') or 'resource'}",
            "name": external.get("name") or "(unnamed)",
            "managed_by": "outside ContractForge",
            "purpose": external.get("purpose"),
            "command": list(external.get("command") or ["#", "no command declared: remove it by hand"]),
        }
        for external in plan.external_resources
    ]


def cleanup_text(payload: dict[str, Any]) -> str:
    lines = [f"cleanup plan for {payload['project']} ({payload['region']}) — nothing is deleted", ""]
    for resource in payload["resources"]:
        lines.append(f"{resource['kind']:<17} {resource['name']}  [{resource['managed_by']}]")
        lines.append("    " + " ".join(resource["command"]))
    lines.append("")
    lines.extend(payload["notes"])
    return "\n".join(lines)
