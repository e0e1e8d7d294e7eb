"""Project-wide settings: state machine and schedule overrides, tags, names within AWS limits."""

from __future__ import annotations

import re

from contractforge.api import plan_project

from tests.compiler.project_factory import csv_contract, write_project


def test_deployment_and_schedule_overrides(tmp_path):
    project = {
        "deployment": {"aws": {"state_machine_name": "acme-billing-daily"}},
        "schedule": {
            "cron": "15 5 * * *",
            "timezone": "Europe/Berlin",
            "enabled": True,
            "adapters": {"aws": {"state": "DISABLED", "flexible_time_window": {"mode": "FLEXIBLE",
                                                                               "maximum_window_in_minutes": 30}}},
        },
    }  # fmt: skip
    plan = plan_project(write_project(tmp_path / "p", {"s": csv_contract()}, project=project))
    assert plan.state_machine_name == "acme-billing-daily"
    schedule = plan.schedule
    assert (schedule.cron, schedule.timezone, schedule.enabled, schedule.flexible_window_minutes) == (
        "15 5 * * *", "Europe/Berlin", False, 30,
    )  # fmt: skip
    assert schedule.name == "cf-test-schedule"
    assert dict(plan.tags) == {"contractforge:environment": "aws", "contractforge:project": "cf_test"}
    assert dict(plan.step("s").glue.tags)["contractforge:project"] == "cf_test"


def test_aws_cron_expression_override(tmp_path):
    project = {"schedule": {"cron": "0 6 * * *", "adapters": {"aws": {"expression": "rate(1 hour)"}}}}
    plan = plan_project(write_project(tmp_path / "p", {"s": csv_contract()}, project=project))
    assert plan.schedule.cron == "rate(1 hour)" and plan.schedule.timezone == "UTC" and plan.schedule.enabled


def test_names_stay_within_aws_limits(tmp_path):
    long_step = "step_" + "x" * 75  # the longest step and project names validation lets through
    project = {"name": "p" * 55, "schedule": {"cron": "0 6 * * *"}}
    plan = plan_project(write_project(tmp_path / "p", {long_step: csv_contract()}, project=project))
    job = plan.steps[0].glue.name
    assert len(job) <= 255 and re.fullmatch(r"[A-Za-z0-9_.-]+", job)
    assert len(plan.state_machine_name) <= 80 and len(plan.schedule.name) <= 64
