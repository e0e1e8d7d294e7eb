"""Project schedule → EventBridge Scheduler settings.

Standard 5-field cron (minute hour day-of-month month day-of-week) + IANA timezone becomes
``cron(min hour dom month dow year)``:

- exactly one of day-of-month / day-of-week is ``?`` (the wildcard side); when both are
  restricted, standard cron means "either matches", which AWS cannot express → error;
- numeric day-of-week is renumbered (standard 0 or 7 = Sunday, 1 = Monday → AWS 1 = Sunday,
  2 = Monday); ranges that wrap past Saturday and stepped numeric lists are expanded into
  explicit lists; names (``MON-FRI``) are kept as names;
- ``*/n`` becomes ``<first>/n`` (``0/15`` minutes, ``1/2`` days) — the form AWS documents;
- ``@hourly``/``@daily``/``@weekly``/``@monthly``/``@yearly`` macros are accepted;
- an expression already in AWS form (``cron(...)``, ``rate(...)``, ``at(...)``) is kept.

Invalid input raises ``ContractForgeError`` (exit 2) naming the project file and field.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, replace

from contractforge.errors import ContractForgeError
from contractforge.project_plan import ScheduleSettings

PROJECT_FILE = "project.yaml"

MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


@dataclass(frozen=True)
class FieldSpec:
    label: str
    low: int
    high: int
    names: tuple[str, ...] = ()  # accepted names (kept verbatim, upper-cased)
    step_start: int = 0  # what "*/n" starts from


MINUTE = FieldSpec("minute", 0, 59)
HOUR = FieldSpec("hour", 0, 23)
DAY_OF_MONTH = FieldSpec("day-of-month", 1, 31, step_start=1)
MONTH = FieldSpec("month", 1, 12, MONTH_NAMES, step_start=1)
DAY_OF_WEEK = FieldSpec("day-of-week", 0, 7, DAY_NAMES)

AWS_EXPRESSION = re.compile(r"^(cron|rate|at)\((.*)\)$")
RATE_BODY = re.compile(r"^[1-9][0-9]* (minute|minutes|hour|hours|day|days)$")
AT_BODY = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
ITEM = re.compile(r"^(?P<base>\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:/(?P<step>[0-9]+))?$")


@dataclass(frozen=True)
class ScheduleDefinition:
    """What the schedule module needs (names come from the ProjectPlan, never invented here)."""

    name: str
    schedule_expression: str
    timezone: str
    state: str  # ENABLED | DISABLED
    flexible_window_mode: str  # OFF | FLEXIBLE
    maximum_window_in_minutes: int | None


def render_schedule(schedule: ScheduleSettings, project_file: str = PROJECT_FILE) -> ScheduleDefinition:
    """Translate the project schedule; raises ContractForgeError for invalid cron/timezone/window,
    located in ``project_file``."""
    try:
        return _render_schedule(schedule)
    except ContractForgeError as error:
        raise ContractForgeError([replace(p, file=project_file) for p in error.problems]) from None


def _render_schedule(schedule: ScheduleSettings) -> ScheduleDefinition:
    validate_timezone(schedule.timezone)
    window = schedule.flexible_window_minutes
    if window is not None and not 1 <= window <= 1440:
        raise _error(
            f"flexible window must be between 1 and 1440 minutes, got {window}",
            "schedule.adapters.aws.flexible_time_window",
        )
    return ScheduleDefinition(
        name=schedule.name,
        schedule_expression=aws_schedule_expression(schedule.cron),
        timezone=schedule.timezone,
        state="ENABLED" if schedule.enabled else "DISABLED",
        flexible_window_mode="OFF" if window is None else "FLEXIBLE",
        maximum_window_in_minutes=window,
    )


def validate_timezone(timezone: str) -> None:
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise _error(
            f"unknown IANA timezone {timezone!r}",
            "schedule.timezone",
            "use a name such as 'Europe/Berlin' or 'UTC'",
        ) from None


def aws_schedule_expression(cron: str) -> str:
    """Standard cron (or an AWS expression) → an EventBridge Scheduler expression."""
    text = " ".join(str(cron or "").split())
    aws = AWS_EXPRESSION.match(text)
    if aws:
        return _checked_aws_expression(aws.group(1), aws.group(2).strip(), text)
    text = MACROS.get(text.lower(), text)
    fields = text.split(" ")
    if len(fields) != 5:
        raise _error(
            f"cron {cron!r} must have 5 fields (minute hour day-of-month month day-of-week), got {len(fields)}",
            "schedule.cron",
            "e.g. '15 5 * * *'",
        )
    minute, hour, dom, month, dow = fields
    minute = _translate_field(minute, MINUTE, cron)
    hour = _translate_field(hour, HOUR, cron)
    month = _translate_field(month, MONTH, cron)
    dom_restricted, dow_restricted = dom != "*", dow != "*"
    if dom_restricted and dow_restricted:
        raise _error(
            f"cron {cron!r} restricts both day-of-month and day-of-week; standard cron then runs when "
            "either matches, which an AWS cron expression cannot express",
            "schedule.cron",
            "keep one of the two day fields '*' (or write two projects/schedules)",
        )
    if dow_restricted:
        dom_aws, dow_aws = "?", _translate_day_of_week(dow, cron)
    else:
        dom_aws, dow_aws = _translate_field(dom, DAY_OF_MONTH, cron), "?"
    return f"cron({minute} {hour} {dom_aws} {month} {dow_aws} *)"


def _checked_aws_expression(kind: str, body: str, text: str) -> str:
    if kind == "cron" and len(body.split(" ")) != 6:
        raise _error(f"AWS expression {text!r} must have 6 fields inside cron(...)", "schedule.cron")
    if kind == "cron":
        dom, dow = body.split(" ")[2], body.split(" ")[4]
        if (dom == "?") == (dow == "?"):
            raise _error(
                f"AWS expression {text!r} needs '?' in exactly one of day-of-month/day-of-week",
                "schedule.cron",
            )
    if kind == "rate" and not RATE_BODY.match(body):
        raise _error(f"AWS expression {text!r} must look like rate(5 minutes)", "schedule.cron")
    if kind == "at" and not AT_BODY.match(body):
        raise _error(f"AWS expression {text!r} must look like at(2030-01-31T06:00:00)", "schedule.cron")
    return f"{kind}({body})"


def _translate_field(field: str, spec: FieldSpec, cron: str) -> str:
    items = []
    for item in field.split(","):
        base, step = _parse_item(item, spec, cron)
        if base == "*":
            items.append(f"{spec.step_start}/{step}" if step is not None else "*")
        else:
            items.append(base if step is None else f"{base}/{step}")
    return ",".join(items)


def _parse_item(item: str, spec: FieldSpec, cron: str) -> tuple[str, int | None]:
    match = ITEM.match(item)
    if not match:
        raise _error(f"cron {cron!r}: invalid {spec.label} item {item!r}", "schedule.cron")
    base, step_text = match.group("base").upper(), match.group("step")
    step = None
    if step_text is not None:
        step = int(step_text)
        if not 1 <= step <= spec.high:
            raise _error(f"cron {cron!r}: {spec.label} step {step} out of range", "schedule.cron")
    if base != "*":
        values = [_value(part, spec, cron) for part in base.split("-")]
        if len(values) == 2 and values[0] > values[1] and spec is not DAY_OF_WEEK:
            raise _error(f"cron {cron!r}: {spec.label} range {item!r} runs backwards", "schedule.cron")
    return base, step


def _value(part: str, spec: FieldSpec, cron: str) -> int:
    if part.isdigit():
        number = int(part)
        if not spec.low <= number <= spec.high:
            raise _error(
                f"cron {cron!r}: {spec.label} value {number} outside {spec.low}-{spec.high}", "schedule.cron"
            )
        return number
    if part in spec.names:
        return spec.names.index(part) + (spec.low if spec is MONTH else 0)
    raise _error(f"cron {cron!r}: invalid {spec.label} value {part!r}", "schedule.cron")


def _translate_day_of_week(field: str, cron: str) -> str:
    """Standard numbering (0/7 = Sunday) → AWS (1 = Sunday); names kept, numbers expanded when needed."""
    items = []
    for item in field.split(","):
        base, step = _parse_item(item, DAY_OF_WEEK, cron)
        if _is_forward_name_item(base):
            items.append(base if step is None else f"{base}/{step}")  # names: same meaning on AWS
            continue
        days = _standard_days(base, step, cron)
        items.append(_compress([day + 1 for day in days]))
    return ",".join(items)


def _is_forward_name_item(base: str) -> bool:
    """``MON``, ``MON-FRI``: names mean the same on AWS; a wrapping ``FRI-MON`` is expanded instead."""
    parts = base.split("-")
    if base == "*" or not all(part in DAY_NAMES for part in parts):
        return False
    return len(parts) == 1 or DAY_NAMES.index(parts[0]) <= DAY_NAMES.index(parts[1])


def _standard_days(base: str, step: int | None, cron: str) -> list[int]:
    """Days 0..6 (0 = Sunday) selected by one numeric/mixed item of a standard day-of-week field."""
    if base == "*":
        low, high = 0, 7
    elif "-" in base:
        low, high = (_value(part, DAY_OF_WEEK, cron) for part in base.split("-"))
        if low > high:  # a range such as 5-1 (FRI..MON) wraps past Saturday
            high += 7
    else:
        low = _value(base, DAY_OF_WEEK, cron)
        high = 7 if step is not None else low  # "a/n" = a, a+n, ... up to the end
    return sorted({day % 7 for day in range(low, high + 1, step or 1)})


def _compress(days: list[int]) -> str:
    """[2, 3, 4, 6] → '2-4,6' (AWS numbering, sorted, no wrap)."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


def _error(message: str, field: str, suggestion: str | None = None) -> ContractForgeError:
    return ContractForgeError.single(message, file=PROJECT_FILE, field=field, suggestion=suggestion)
