"""Evidence maintenance: retention of the date-partitioned tables and a cost report per target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from contractforge_runtime.evidence.schema import EVIDENCE_TABLES

from contractforge.ops import sql_catalog
from contractforge.ops.project import target_tables
from contractforge.ops.sql_backends import SqlBackend, sql_literal
from contractforge.project_plan import ProjectPlan


def date_partitioned_tables() -> list[tuple[str, str]]:
    """(table, DATE partition column) for every identity-partitioned-by-date evidence table."""
    found = []
    for table in EVIDENCE_TABLES.values():
        for column in table.partition_by:
            if table.column(column).type == "DATE":
                found.append((table.name, column))
    return sorted(found)


@dataclass(frozen=True)
class RetentionItem:
    table: str
    column: str
    cutoff: date

    @property
    def predicate(self) -> str:
        return f"{self.column} < {sql_literal(self.cutoff, 'DATE')}"

    def count_sql(self) -> str:
        return f"SELECT COUNT(*) AS rows_to_delete FROM {{db}}.{self.table} WHERE {self.predicate}"

    def delete_sql(self) -> str:
        return f"DELETE FROM {{db}}.{self.table} WHERE {self.predicate}"


def retention_plan(days: int, today: date | None = None) -> list[RetentionItem]:
    if days < 1:
        raise ValueError("--days must be at least 1")
    cutoff = (today or datetime.now(UTC).date()) - timedelta(days=days)
    return [RetentionItem(table, column, cutoff) for table, column in date_partitioned_tables()]


def run_retention(
    backend: SqlBackend, days: int, *, execute: bool = False, today: date | None = None
) -> list[dict]:
    """Dry run (default): count what would go. ``execute``: then DELETE it. One dict per table."""
    results = []
    for item in retention_plan(days, today):
        rows = backend.query(item.count_sql())
        count = int(next(iter(rows[0].values()))) if rows and rows[0] else 0
        results.append((item, count))
    report = []
    for item, count in results:
        if execute and count:
            backend.execute(item.delete_sql())
        action = ("DELETED" if count else "NOTHING_TO_DELETE") if execute else "DRY_RUN"
        report.append(
            {
                "table": item.table,
                "cutoff": item.cutoff.isoformat(),
                "rows": count,
                "action": action,
                "statement": backend.render(item.delete_sql()),
            }
        )
    return report


def cost_report(
    backend: SqlBackend,
    plan: ProjectPlan,
    *,
    dpu_hour_usd: float | None,
    since: timedelta,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Per target: runs, rows, DPU-seconds and (with a rate) estimated cost and cost per million rows."""
    now = (now or datetime.now(UTC)).replace(tzinfo=None)
    params = sql_catalog.query_params(now - since, now, target_tables(plan))
    rows = backend.query(sql_catalog.query_text("cost_report"), **params)
    report = []
    for row in rows:
        billed = float(row.get("billed_dpu_seconds") or 0)
        written = int(row.get("rows_written") or 0)
        entry = {
            key: (float(value) if hasattr(value, "__float__") and not isinstance(value, int) else value)
            for key, value in row.items()
        }
        entry["billed_dpu_hours"] = round(billed / 3600, 6)
        if dpu_hour_usd is not None:
            cost = billed / 3600 * dpu_hour_usd
            entry["estimated_cost_usd"] = round(cost, 6)
            entry["cost_per_million_rows_usd"] = round(cost / (written / 1e6), 6) if written else None
            entry["dpu_hour_usd"] = dpu_hour_usd
        report.append(entry)
    return report
