"""The ``alerts`` module call of the compiled root, from the steps' operations contracts.

- ``alert_on_failure`` → the step's Glue job is in the EventBridge failure rule, and the project's
  state machine too (one rule per kind, one SNS topic per project);
- ``freshness_sla_minutes`` → a freshness alarm on the runner's ``TargetSucceeded`` metric;
- ``alert_on_quality_fail`` → a quality alarm on the runner's ``QualityFailed`` metric;
- subscriptions: ``parameters.aws.alerts.subscriptions`` plus every owner / group that is an e-mail
  address (other owner names cannot receive mail; the planner says so).

Pure: returns the module body or None when no step asks for an alert.
"""

from __future__ import annotations

import re
from typing import Any

from contractforge.project_plan import ProjectPlan
from contractforge.render.tf_json import escape, literal, ref

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DEFAULT_NAMESPACE = "ContractForge"


def metric_target(run_plan: dict[str, Any]) -> str:
    """The ``Target`` dimension of the runner's metrics: ``<database>.<table>``."""
    target = run_plan["target"]
    return f"{target['database']}.{target['table']}"


def alert_settings(plan: ProjectPlan) -> dict[str, Any]:
    parameters = (plan.environment or {}).get("parameters") or {}
    return (parameters.get("aws") or {}).get("alerts") or {}


def email_contacts(operations: dict[str, Any]) -> list[str]:
    names = [*(operations.get("owners") or []), *(operations.get("groups") or [])]
    names += [v for v in (operations.get("ownership") or {}).values() if isinstance(v, str)]
    return sorted({n for n in names if isinstance(n, str) and EMAIL.match(n)})


def alerts_module(plan: ProjectPlan, source: str, resource_name: str) -> dict[str, Any] | None:
    failure_jobs, freshness, quality, emails = [], {}, {}, set()
    for step in plan.steps:
        run_plan = step.run_plan or {}
        operations = (run_plan.get("metadata") or {}).get("operations") or {}
        if operations.get("alert_on_failure"):
            failure_jobs.append(step.glue.name)
        if operations.get("freshness_sla_minutes"):
            freshness[escape(step.name)] = {
                "target": escape(metric_target(run_plan)),
                "freshness_sla_minutes": int(operations["freshness_sla_minutes"]),
            }
        if operations.get("alert_on_quality_fail"):
            quality[escape(step.name)] = escape(metric_target(run_plan))
        if any(
            operations.get(k) for k in ("alert_on_failure", "alert_on_quality_fail", "freshness_sla_minutes")
        ):
            emails.update(email_contacts(operations))
    if not (failure_jobs or freshness or quality):
        return None
    settings = alert_settings(plan)
    subscriptions = {(s["protocol"], s["endpoint"]) for s in settings.get("subscriptions") or []}
    subscriptions |= {("email", address) for address in emails}
    module: dict[str, Any] = {
        "source": source,
        "name": escape(resource_name),
        "project": escape(plan.name),
        "subscriptions": [literal({"protocol": p, "endpoint": e}) for p, e in sorted(subscriptions)],
        "glue_job_names": literal(sorted(failure_jobs)),
        "state_machine_arns": [ref("module.orchestration.state_machine_arn")] if failure_jobs else [],
        "freshness_alarms": dict(sorted(freshness.items())),
        "quality_alarms": dict(sorted(quality.items())),
        "metric_namespace": escape(settings.get("metric_namespace") or DEFAULT_NAMESPACE),
    }
    if settings.get("topic_arn"):
        module["topic_arn"] = escape(settings["topic_arn"])
    return module
