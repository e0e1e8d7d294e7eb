"""The runner's per-target metrics against moto's CloudWatch through real boto3: a project that declares
no alarm still publishes every dashboard metric, since every compiled root has the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from contractforge.api import plan_project
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.evidence import metric_names
from contractforge_runtime.governance import metrics

from tests.aws_fixtures import moto_server_fixtures
from tests.compiler.project_factory import csv_contract, write_project

pytestmark = pytest.mark.aws
moto_server, moto = moto_server_fixtures()


def test_a_target_without_alarms_publishes_the_dashboard_metrics(moto, tmp_path) -> None:
    plan = plan_project(write_project(tmp_path / "p", {"s": csv_contract()}))  # no operations, no alarm
    run_plan = plan.step("s").run_plan
    dimensions = metric_names.target_dimensions(plan.name, "cf_test_bronze", "b_orders")
    assert run_plan["metrics"] == {"namespace": metric_names.DEFAULT_NAMESPACE, "dimensions": dimensions}

    client = boto3.client("cloudwatch", endpoint_url=moto.endpoint_url)
    ctx = RunContext.local("s", extra={"cloudwatch": client})
    finished = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    measured = {
        "status": "SUCCESS",
        "rows_written": 7,
        "rows_quarantined": 2,
        "started_at": finished - timedelta(seconds=12),
        "finished_at": finished,
    }
    metrics.publish(run_plan, ctx, measured)

    listed = client.list_metrics(Namespace=metric_names.DEFAULT_NAMESPACE)["Metrics"]
    assert {m["MetricName"] for m in listed} >= {
        metric_names.TARGET_SUCCEEDED,
        metric_names.ROWS_WRITTEN,
        metric_names.ROWS_QUARANTINED,
        metric_names.DURATION_SECONDS,
    }
    for metric in listed:
        assert {d["Name"]: d["Value"] for d in metric["Dimensions"]} == dimensions
    values = {}
    for name in (metric_names.ROWS_WRITTEN, metric_names.ROWS_QUARANTINED, metric_names.DURATION_SECONDS):
        points = client.get_metric_statistics(
            Namespace=metric_names.DEFAULT_NAMESPACE,
            MetricName=name,
            Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()],
            StartTime=finished - timedelta(minutes=5),
            EndTime=finished + timedelta(minutes=5),
            Period=60,
            Statistics=["Sum"],
        )["Datapoints"]
        values[name] = sum(p["Sum"] for p in points)
    assert values == {
        metric_names.ROWS_WRITTEN: 7.0,
        metric_names.ROWS_QUARANTINED: 2.0,
        metric_names.DURATION_SECONDS: 12.0,
    }
