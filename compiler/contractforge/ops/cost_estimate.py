"""``contractforge cost estimate``: projected Glue DPU-seconds and dollars per run, day and month.

Pure: a ProjectPlan, its pack layout and (optionally) measured step durations in, figures out.
The billing rules and prices are the ``RATES`` table below (docs/cost.md explains each entry):
per job run, billed seconds = max(run seconds, 60) (per-second billing with Glue's one-minute
minimum, Glue 2.0+), DPUs = workers × DPU per worker type, dollars = DPU-hours × the Standard or
Flex price. A job run lasts the job's start-up plus the longest depends_on path through its steps
(steps of a pack that do not depend on each other run side by side).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from contractforge.ops.cost import BILLING_MINIMUM_SECONDS, DPU_PER_WORKER
from contractforge.planner.packing import PackLayout
from contractforge.project_plan import ProjectPlan

# One table of rates and assumptions (us-east-1 list prices; override with the CLI flags).
RATES = {
    "standard_usd_per_dpu_hour": 0.44,  # Glue Spark jobs, Standard execution class
    "flex_usd_per_dpu_hour": 0.29,  # Flex execution class
    "minimum_billed_seconds": BILLING_MINIMUM_SECONDS,  # per job run (Glue 2.0 and later)
    "job_start_seconds": 20.0,  # Spark session + runtime import inside a job run (assumed)
    "default_step_seconds": 15.0,  # a small step when evidence has no measured duration (assumed)
    "days_per_month": 30,
}
MACROS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
          "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}  # fmt: skip
NAMES = {**{m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
                                         "OCT", "NOV", "DEC"), 1)},
         **{d: i for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}}  # fmt: skip
RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")


@dataclass(frozen=True)
class JobEstimate:
    job: str  # step or pack name
    steps: tuple[str, ...]
    worker_type: str
    workers: int
    execution_class: str
    run_seconds: float
    billed_dpu_seconds: float
    usd_per_run: float
    measured_steps: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Estimate:
    project: str
    layout: str
    runs_per_day: float
    runs_per_day_source: str
    jobs: tuple[JobEstimate, ...]
    rates: dict = field(default_factory=lambda: dict(RATES))

    @property
    def dpu_seconds_per_run(self) -> float:
        return round(sum(j.billed_dpu_seconds for j in self.jobs), 3)

    @property
    def usd_per_run(self) -> float:
        return round(sum(j.usd_per_run for j in self.jobs), 6)

    def per_day(self, value: float) -> float:
        return round(value * self.runs_per_day, 3)

    def as_dict(self) -> dict:
        month = self.rates["days_per_month"]
        return {
            "project": self.project,
            "layout": self.layout,
            "runs_per_day": self.runs_per_day,
            "runs_per_day_source": self.runs_per_day_source,
            "dpu_seconds_per_run": self.dpu_seconds_per_run,
            "usd_per_run": self.usd_per_run,
            "dpu_seconds_per_day": self.per_day(self.dpu_seconds_per_run),
            "usd_per_day": round(self.usd_per_run * self.runs_per_day, 4),
            "usd_per_month": round(self.usd_per_run * self.runs_per_day * month, 2),
            "jobs": [j.as_dict() for j in self.jobs],
            "rates": self.rates,
        }


def estimate(
    plan: ProjectPlan,
    layout: PackLayout,
    measured: dict[str, float] | None = None,
    runs_per_day: float | None = None,
    rates: dict | None = None,
) -> Estimate:
    """``measured``: step name → typical duration in seconds (e.g. the median of its runs)."""
    rates = {**RATES, **(rates or {})}
    measured = measured or {}
    steps = {s.name: s for s in plan.steps}
    if runs_per_day is None:
        runs_per_day, source = schedule_runs_per_day(plan)
    else:
        source = "--runs-per-day"
    jobs = []
    for pack in layout.packs:
        seconds = {n: measured.get(n, rates["default_step_seconds"]) for n in pack.steps}
        path = _longest_path(pack.steps, {n: steps[n].depends_on for n in pack.steps}, seconds)
        run_seconds = rates["job_start_seconds"] + path
        dpus = pack.glue.number_of_workers * DPU_PER_WORKER.get(pack.glue.worker_type, 1.0)
        billed = max(run_seconds, rates["minimum_billed_seconds"]) * dpus
        price = rates[
            "flex_usd_per_dpu_hour" if pack.glue.execution_class == "FLEX" else "standard_usd_per_dpu_hour"
        ]
        jobs.append(
            JobEstimate(
                job=pack.name,
                steps=pack.steps,
                worker_type=pack.glue.worker_type,
                workers=pack.glue.number_of_workers,
                execution_class=pack.glue.execution_class,
                run_seconds=round(run_seconds, 3),
                billed_dpu_seconds=round(billed, 3),
                usd_per_run=round(billed / 3600 * price, 6),
                measured_steps=tuple(n for n in pack.steps if n in measured),
            )
        )
    return Estimate(plan.name, layout.layout, runs_per_day, source, tuple(jobs), rates)


def _longest_path(names: tuple[str, ...], depends_on: dict, seconds: dict[str, float]) -> float:
    finish: dict[str, float] = {}
    for name in names:  # DAG order
        start = max((finish[d] for d in depends_on[name] if d in finish), default=0.0)
        finish[name] = start + seconds[name]
    return max(finish.values(), default=0.0)


def median_durations(rows: list[dict]) -> dict[str, float]:
    """step → median duration_seconds from ctrl_ingestion_runs-like rows {"step", "duration_seconds"}."""
    by_step: dict[str, list[float]] = {}
    for row in rows:
        if row.get("duration_seconds") is not None:
            by_step.setdefault(row["step"], []).append(float(row["duration_seconds"]))
    return {step: statistics.median(values) for step, values in by_step.items()}


def schedule_runs_per_day(plan: ProjectPlan) -> tuple[float, str]:
    """Average runs per day of the project schedule over 28 days (1 when there is no schedule)."""
    if plan.schedule is None or not plan.schedule.enabled:
        return 1.0, "no enabled schedule: 1 run per day assumed"
    return cron_runs_per_day(plan.schedule.cron), f"schedule {plan.schedule.cron!r}"


def cron_runs_per_day(cron: str) -> float:
    text = MACROS.get(cron.strip(), cron.strip())
    rate = RATE.match(text)
    if rate:
        amount, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        return {"minute": 1440, "hour": 24, "day": 1}[unit] / amount
    fields = text.split()
    if len(fields) != 5:
        return 1.0
    minute, hour, dom, month, dow = (
        _values(fields[0], 0, 59), _values(fields[1], 0, 23), _values(fields[2], 1, 31),
        _values(fields[3], 1, 12), {d % 7 for d in _values(fields[4], 0, 7)},
    )  # fmt: skip
    day_restricted, week_restricted = fields[2] != "*", fields[4] != "*"
    start, days, runs = datetime(2026, 2, 2), 28, 0
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day.month not in month:
            continue
        in_dom, in_dow = day.day in dom, (day.isoweekday() % 7) in dow
        matches = (in_dom or in_dow) if (day_restricted and week_restricted) else (in_dom and in_dow)
        if matches:
            runs += len(minute) * len(hour)
    return runs / days


def _values(field_text: str, low: int, high: int) -> set[int]:
    values: set[int] = set()
    for item in field_text.split(","):
        base, _, step = item.partition("/")
        if base == "*":
            first, last = low, high
        elif "-" in base:
            first, last = (_number(x) for x in base.split("-", 1))
        else:
            first = last = _number(base)
            if step:
                last = high
        values.update(range(first, last + 1, int(step) if step else 1))
    return values


def _number(text: str) -> int:
    return NAMES[text.upper()] if text.upper() in NAMES else int(text)
