"""Per-target CloudWatch metrics of one run, for the project dashboard and the alarms of the compiled root.

Published when the run plan has a ``metrics`` section (the compiler writes it for every step: every
compiled root has the dashboard module that shows them): in Glue through
boto3; elsewhere only when the run context carries a CloudWatch client (``ctx.extra["cloudwatch"]``,
e.g. a test against moto). ``TargetSucceeded`` is 1 only for SUCCESS (a freshness alarm treats no
datapoint as late); ``QualityFailed`` is 1 when quality rules failed, warned or quarantined rows.
Publishing never fails the run: a problem is printed.
"""

from __future__ import annotations

import sys
from typing import Any

QUALITY_FAILED = ("FAILED", "QUARANTINED", "WARNED")


def metric_data(metrics: dict[str, Any], measured: dict[str, Any]) -> list[dict[str, Any]]:
    dimensions = [{"Name": k, "Value": str(v)} for k, v in sorted(metrics["dimensions"].items())]
    at = measured["finished_at"]
    values = {
        "TargetSucceeded": (1.0 if measured["status"] == "SUCCESS" else 0.0, "Count"),
        "QualityFailed": (1.0 if measured.get("quality_status") in QUALITY_FAILED else 0.0, "Count"),
        "RowsWritten": (float(measured.get("rows_written") or 0), "Count"),
        "RowsQuarantined": (float(measured.get("rows_quarantined") or 0), "Count"),
        "DurationSeconds": (
            round((measured["finished_at"] - measured["started_at"]).total_seconds(), 3),
            "Seconds",
        ),
    }
    return [
        {"MetricName": name, "Dimensions": dimensions, "Timestamp": at, "Value": value, "Unit": unit}
        for name, (value, unit) in values.items()
    ]


def publish(plan: dict, ctx, measured: dict[str, Any]) -> None:
    metrics = plan.get("metrics")
    if not metrics:
        return
    client = ctx.extra.get("cloudwatch")
    if client is None and not ctx.is_glue:
        return  # a local run has no CloudWatch
    try:
        if client is None:
            client = __import__("boto3").client("cloudwatch")
        client.put_metric_data(Namespace=metrics["namespace"], MetricData=metric_data(metrics, measured))
    except Exception as error:  # noqa: BLE001 - alerts are best effort; the run's outcome stands
        print(
            f"contractforge: could not publish run metrics: {type(error).__name__}: {error}", file=sys.stderr
        )
