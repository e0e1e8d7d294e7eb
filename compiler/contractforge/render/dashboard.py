"""The project's CloudWatch dashboard: the ``dashboard`` module call of the compiled root.

Widgets (terraform/modules/dashboard): the runner's per-target metrics (names and dimensions from
``contractforge_runtime.evidence.metric_names``), the Glue job metrics of the project's jobs and the
state machine's executions.
"""

from __future__ import annotations

import re
from typing import Any

from contractforge_runtime.evidence import metric_names

from contractforge.project_plan import ProjectPlan, StepPlan
from contractforge.render.tf_json import escape, ref

_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_-]")


def dashboard_name(plan: ProjectPlan) -> str:
    return _NOT_ALLOWED.sub("-", f"contractforge-{plan.name}")[:255]


def metric_namespace(plan: ProjectPlan) -> str:
    """``parameters.aws.alerts.metric_namespace`` of the environment, else the runner's default."""
    aws = ((plan.environment or {}).get("parameters") or {}).get("aws") or {}
    return (aws.get("alerts") or {}).get("metric_namespace") or metric_names.DEFAULT_NAMESPACE


def dashboard_module(plan: ProjectPlan, steps: list[StepPlan], source: str, region: str) -> dict[str, Any]:
    return {
        "source": source,
        "dashboard_name": escape(dashboard_name(plan)),
        "region": region,
        "glue_job_names": [escape(step.glue.name) for step in steps],
        "state_machine_arn": ref("module.orchestration.state_machine_arn"),
        "metric_namespace": escape(metric_namespace(plan)),
        "metric_names": {
            "succeeded": metric_names.TARGET_SUCCEEDED,
            "rows_written": metric_names.ROWS_WRITTEN,
            "rows_quarantined": metric_names.ROWS_QUARANTINED,
            "duration_seconds": metric_names.DURATION_SECONDS,
        },
        "targets": [
            {
                "label": escape(step.name),
                "dimensions": {
                    name: escape(value)
                    for name, value in metric_names.target_dimensions(
                        plan.name, step.target_database, step.target_identifier.rsplit(".", 1)[-1]
                    ).items()
                },
            }
            for step in steps
        ],
    }
