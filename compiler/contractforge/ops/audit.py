"""`audit`: run the named evidence queries (Athena or local Spark) and judge them against thresholds.

Violations (exit 1): failed runs beyond ``max_failed_runs`` (targets of steps declared
``expected_result: failed`` excluded), freshness SLA breaches, a quarantine ratio above
``max_quarantine_ratio``, orphan cost rows beyond ``max_orphan_cost_rows``, expired locks, target
commits without evidence (audit_commits.py). Warnings (reported only): open locks (read from the lock
store when one is given: live, expired, or held by a run that is gone), mixed framework versions,
runs without cost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from contractforge_runtime.reliability.lock_store import LockStore

from contractforge.errors import ContractForgeError, Problem
from contractforge.ops import sql_catalog
from contractforge.ops.audit_commits import commits_without_evidence
from contractforge.ops.locks import list_locks
from contractforge.ops.project import freshness_sla_minutes, target_tables
from contractforge.ops.sql_backends import SqlBackend
from contractforge.project_plan import ProjectPlan

AUDIT_QUERIES = (
    "runs_by_status",
    "runs_by_quality_status",
    "failed_runs",
    "quality_failures",
    "quarantine_by_rule",
    "quarantine_ratio",
    "errors",
    "cost_by_run",
    "orphan_cost_rows",
    "freshness",
    "open_locks",
    "framework_versions",
)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str) -> timedelta:
    """``30m`` / ``12h`` / ``7d`` / ``2w`` → timedelta."""
    match = _DURATION.match(text or "")
    if not match:
        raise ContractForgeError(
            [
                Problem(
                    message=f"invalid duration {text!r}",
                    field="--since",
                    suggestion="use a number and a unit: 30m, 12h, 7d, 2w",
                )
            ]
        )
    return timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})


@dataclass(frozen=True)
class AuditThresholds:
    max_failed_runs: int = 0
    max_quarantine_ratio: float = 0.05
    max_orphan_cost_rows: int = 0
    check_freshness: bool = True
    fail_on_expired_locks: bool = True


@dataclass
class AuditReport:
    project: str
    database: str
    since: datetime
    now: datetime
    checks: dict[str, list[dict[str, Any]]]
    violations: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.violations else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "database": self.database,
            "since": self.since.isoformat(),
            "now": self.now.isoformat(),
            "status": "FAILED" if self.violations else "PASSED",
            "violations": self.violations,
            "warnings": self.warnings,
            "checks": [{"name": name, "rows": jsonable_rows(rows)} for name, rows in self.checks.items()],
        }

    def text(self) -> str:
        lines = [f"audit {self.project} ({self.database}) since {self.since:%Y-%m-%d %H:%M} UTC"]
        for name, rows in self.checks.items():
            lines.append(f"\n== {name} ({len(rows)} row{'s' if len(rows) != 1 else ''})")
            lines.extend(format_rows(rows))
        lines.append("")
        for warning in self.warnings:
            lines.append(f"warning: {warning}")
        for violation in self.violations:
            lines.append(f"VIOLATION {violation['check']}: {violation['message']}")
        lines.append("audit FAILED" if self.violations else "audit PASSED")
        return "\n".join(lines)


def run_audit(
    backend: SqlBackend,
    plan: ProjectPlan,
    *,
    since: timedelta = timedelta(days=7),
    thresholds: AuditThresholds = AuditThresholds(),
    now: datetime | None = None,
    lock_store: LockStore | None = None,
) -> AuditReport:
    """``lock_store``: the open locks come from it (live, expired, holder gone) rather than from the
    lock history in the evidence, which a killed run leaves unwritten."""
    now = (now or datetime.now(UTC)).replace(tzinfo=None)
    start = now - since
    params = sql_catalog.query_params(start, now, target_tables(plan))
    store_rows, store_problem = _store_locks(plan, lock_store)
    names = [n for n in AUDIT_QUERIES if not (store_rows is not None and n == "open_locks")]
    checks = {name: backend.query(sql_catalog.query_text(name), **params) for name in names}
    if store_rows is not None:
        checks["open_locks"] = store_rows
    checks["commits_without_evidence"] = commits_without_evidence(backend, plan, start, now)
    report = AuditReport(plan.name, backend.database, start, now, checks)
    if store_problem:
        report.warnings.append(f"lock store not readable ({store_problem}): open locks from the lock history")
    judge(report, plan, thresholds)
    return report


def judge(report: AuditReport, plan: ProjectPlan, thresholds: AuditThresholds) -> None:
    checks, add = report.checks, report.violations.append
    expected_to_fail = {s.target_identifier for s in plan.steps if s.expected_result == "failed"}
    failed = [r for r in checks["failed_runs"] if r.get("target_table") not in expected_to_fail]
    if len(failed) > thresholds.max_failed_runs:
        for row in failed:
            message = f"{row.get('target_table')} run {row.get('run_id')} FAILED"
            if row.get("error_message"):
                message += f": {str(row['error_message']).splitlines()[0][:160]}"
            add(
                {
                    "check": "failed_runs",
                    "target_table": row.get("target_table"),
                    "run_id": row.get("run_id"),
                    "message": message,
                }
            )
    if thresholds.check_freshness:
        _judge_freshness(report, plan)
    for row in checks["quarantine_ratio"]:
        ratio = _number(row.get("quarantine_ratio"))
        if ratio is not None and ratio > thresholds.max_quarantine_ratio:
            add(
                {
                    "check": "quarantine_ratio",
                    "target_table": row["target_table"],
                    "value": ratio,
                    "message": f"{row['target_table']} quarantined {ratio:.1%} of the rows read "
                    f"(threshold {thresholds.max_quarantine_ratio:.1%})",
                }
            )
    orphans = sum(int(_number(r.get("orphan_rows")) or 0) for r in checks["orphan_cost_rows"])
    if orphans > thresholds.max_orphan_cost_rows:
        add(
            {
                "check": "orphan_cost_rows",
                "value": orphans,
                "message": f"{orphans} cost row(s) have no matching run (threshold {thresholds.max_orphan_cost_rows})",
            }
        )
    for row in checks["commits_without_evidence"]:
        add(
            {
                "check": "commits_without_evidence",
                "target_table": row["target_table"],
                "run_id": row["run_id"],
                "message": f"{row['target_table']}: run {row['run_id']} committed snapshot "
                f"{row['last_snapshot_id']} without a runs row (the next run of the step back-fills it)",
            }
        )
    for row in checks["open_locks"]:
        text = f"lock on {row.get('target_table')} held by run {row.get('run_id')} ({row.get('lock_state')})"
        if row.get("lock_state") == "EXPIRED" and thresholds.fail_on_expired_locks:
            add({"check": "open_locks", "target_table": row.get("target_table"), "message": text})
        else:
            report.warnings.append(text)
    versions = [r.get("framework_version") for r in checks["framework_versions"]]
    if len(versions) > 1:
        report.warnings.append("mixed framework versions wrote evidence: " + ", ".join(map(str, versions)))


def _store_locks(plan: ProjectPlan, store: LockStore | None) -> tuple[list[dict] | None, str | None]:
    """The open locks from the store, or (None, why) when there is none or it cannot be read (e.g. the
    lock table is not deployed yet): the evidence query answers then."""
    if store is None:
        return None, None
    try:
        return [_lock_row(view.as_dict()) for view in list_locks(plan, store)], None
    except Exception as error:  # noqa: BLE001 - reported as a warning; the audit goes on
        return None, f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"


def _lock_row(view: dict[str, Any]) -> dict[str, Any]:
    """A lock store record in the shape of the open_locks query (lock_state LIVE / EXPIRED / HOLDER_GONE)."""
    return {
        "target_table": view["target_table"],
        "run_id": view["run_id"],
        "owner": view["job_name"],
        "holder": view["holder"],
        "acquired_at_utc": view["since"],
        "expires_at_utc": view["expires_at"],
        "lock_state": view["state"],
        "note": view["note"],
    }


def _judge_freshness(report: AuditReport, plan: ProjectPlan) -> None:
    last_success = {
        r["target_table"]: _timestamp(r.get("last_success_at_utc")) for r in report.checks["freshness"]
    }
    for step in plan.steps:
        sla = freshness_sla_minutes(step)
        if sla is None or step.expected_result == "failed":
            continue
        seen = last_success.get(step.target_identifier)
        if seen is None:
            message = f"{step.target_identifier} has no successful run (freshness SLA {sla} min)"
            age = None
        else:
            age = (report.now - seen).total_seconds() / 60
            if age <= sla:
                continue
            message = f"{step.target_identifier} last succeeded {age:.0f} min ago (freshness SLA {sla} min)"
        report.violations.append(
            {
                "check": "freshness",
                "target_table": step.target_identifier,
                "value": None if age is None else round(age, 1),
                "message": message,
            }
        )


def _number(value: Any) -> float | None:
    if value in (None, ""):
        return None
    return float(value)


def _timestamp(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    return datetime.fromisoformat(str(value).replace(" UTC", "").strip())


def jsonable_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def convert(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if hasattr(value, "__float__") and not isinstance(value, (int, float, bool)):
            return float(value)
        return value

    return [{k: convert(v) for k, v in row.items()} for row in rows]


def format_rows(rows: list[dict[str, Any]], limit: int = 20) -> list[str]:
    lines = []
    for row in jsonable_rows(rows[:limit]):
        parts = []
        for key, value in row.items():
            text = str(value)
            if key == "stack_trace" and value:
                text = "\n    " + "\n    ".join(text.splitlines()[-8:])
            parts.append(f"{key}={text}")
        lines.append("  " + "  ".join(parts))
    if len(rows) > limit:
        lines.append(f"  … {len(rows) - limit} more (use --json)")
    return lines
