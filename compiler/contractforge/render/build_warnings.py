"""Build warnings about AWS limits: script and inline-policy budgets, account-wide default quotas."""

from __future__ import annotations

from contractforge.project_plan import ProjectPlan
from contractforge.render.manifest import INLINE_POLICY_LIMIT, SCRIPT_WARNING_BYTES, FileFacts
from contractforge.render.step_functions.limits import GLUE_JOBS_QUOTA, IAM_ROLES_QUOTA


def budget_warnings(files: dict[str, FileFacts], policy_sizes: dict[str, int]) -> list[str]:
    warnings = [
        f"{path} is {facts.bytes} bytes (budget {SCRIPT_WARNING_BYTES})"
        for path, facts in files.items()
        if path.endswith(".py") and facts.bytes > SCRIPT_WARNING_BYTES
    ]
    warnings += [
        f"IAM policy of step {step!r} is {size} characters (inline limit {INLINE_POLICY_LIMIT})"
        for step, size in policy_sizes.items()
        if size > INLINE_POLICY_LIMIT
    ]
    return warnings


def quota_warnings(plan: ProjectPlan, machines: int) -> list[str]:
    """Account-wide default quotas a project this size would exceed (each adjustable in Service Quotas)."""
    jobs = len(plan.steps)
    aws = ((plan.environment or {}).get("parameters") or {}).get("aws") or {}
    machine_roles = 0 if (aws.get("step_functions") or {}).get("role_arn") else machines  # existing role
    roles = sum(1 for step in plan.steps if not step.glue.role_arn) + machine_roles
    warnings = []
    if jobs > GLUE_JOBS_QUOTA:
        warnings.append(
            f"the project defines {jobs} Glue jobs: AWS Glue's quota 'Max jobs per account' is {GLUE_JOBS_QUOTA:,} "
            "by default (Service Quotas → AWS Glue); request an increase before applying"
        )
    if roles > IAM_ROLES_QUOTA:
        warnings.append(
            f"the project creates {roles} IAM roles: IAM's quota 'Roles per account' is {IAM_ROLES_QUOTA:,} by "
            "default (Service Quotas → IAM); request an increase or give the jobs glue_job.role_arn"
        )
    return warnings
