"""What the HTML report shows, gathered with the named queries from any evidence backend.

The same queries run on Athena and on the light local reader; ``progress`` is told before and after
each one (Athena queries take seconds each, so the CLI prints them as they go).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from contractforge.ops import sql_catalog
from contractforge.ops.audit import jsonable_rows
from contractforge.ops.cost import DPU_PER_WORKER
from contractforge.ops.project import freshness_sla_minutes, target_tables
from contractforge.ops.sql_backends import SqlBackend
from contractforge.project_plan import ProjectPlan, StepPlan

REPORT_QUERIES = (
    "report_runs",
    "cost_by_run",
    "state",
    "failed_runs_with_errors",
    "schema_changes",
    "locks",
    "annotations",
    "access",
)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class StepInfo:
    name: str
    target_table: str
    layer: str
    freshness_sla_minutes: int | None
    dpus: float  # Glue capacity of the job: workers x DPU per worker


@dataclass
class ReportData:
    project: str
    source: str  # "local evidence (<path>)" or "Athena <database>"
    since: datetime
    now: datetime
    max_quarantine_ratio: float
    steps: list[StepInfo]
    results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    query_seconds: float = 0.0

    def rows(self, name: str, target_table: str | None = None) -> list[dict[str, Any]]:
        rows = self.results.get(name, [])
        return rows if target_table is None else [r for r in rows if r.get("target_table") == target_table]

    def step_of(self, target_table: str) -> str:
        return next((s.name for s in self.steps if s.target_table == target_table), target_table)


def step_info(step: StepPlan) -> StepInfo:
    dpus = step.glue.number_of_workers * DPU_PER_WORKER.get(step.glue.worker_type, 1.0)
    return StepInfo(step.name, step.target_identifier, step.layer, freshness_sla_minutes(step), dpus)


def collect(
    backend: SqlBackend,
    plan: ProjectPlan,
    *,
    source: str,
    since: timedelta,
    max_quarantine_ratio: float = 0.05,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> ReportData:
    now = (now or datetime.now(UTC)).replace(tzinfo=None)
    data = ReportData(
        plan.name, source, now - since, now, max_quarantine_ratio, [step_info(s) for s in plan.steps]
    )
    params = sql_catalog.query_params(data.since, now, target_tables(plan))
    began = time.perf_counter()
    for index, name in enumerate(REPORT_QUERIES, start=1):
        if progress:
            progress(f"[{index}/{len(REPORT_QUERIES)}] {name} …")
        started = time.perf_counter()
        rows = jsonable_rows(backend.query(sql_catalog.query_text(name), **params))
        if name in ("state", "locks"):  # views of all time: keep the project's targets
            rows = [r for r in rows if r.get("target_table") in {s.target_table for s in data.steps}]
        data.results[name] = rows
        if progress:
            progress(
                f"[{index}/{len(REPORT_QUERIES)}] {name}: {len(rows)} rows in {time.perf_counter() - started:.1f} s"
            )
    data.query_seconds = time.perf_counter() - began
    return data


def parse_time(value: Any) -> datetime | None:
    """Evidence timestamps (ISO text after jsonable_rows, Athena's 'YYYY-MM-DD HH:MM:SS.fff') → naive UTC."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    parsed = datetime.fromisoformat(str(value).replace(" UTC", "").strip())
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def number(value: Any) -> float | None:
    return None if value in (None, "") else float(value)
