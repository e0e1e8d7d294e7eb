"""Names of the runner's per-target CloudWatch metrics: one definition for publisher and readers.

The runner publishes them (one datapoint each per run); the compiled root's alarms (alerts module)
and the project dashboard (dashboard module) read them. The namespace is configurable
(``parameters.aws.alerts.metric_namespace``); ``DEFAULT_NAMESPACE`` applies otherwise.
"""

from __future__ import annotations

DEFAULT_NAMESPACE = "ContractForge"

# Dimensions of every per-target datapoint: the project name and "<database>.<table>".
PROJECT_DIMENSION = "Project"
TARGET_DIMENSION = "Target"

TARGET_SUCCEEDED = "TargetSucceeded"  # 1 for a SUCCESS run, else 0 (freshness alarms: missing = late)
QUALITY_FAILED = "QualityFailed"  # 1 when quality failed, warned or quarantined rows
ROWS_WRITTEN = "RowsWritten"
ROWS_QUARANTINED = "RowsQuarantined"
DURATION_SECONDS = "DurationSeconds"


def target_dimensions(project: str, database: str, table: str) -> dict[str, str]:
    return {PROJECT_DIMENSION: project, TARGET_DIMENSION: f"{database}.{table}"}
