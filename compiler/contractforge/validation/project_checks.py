"""Project-level semantic checks: the schedule (cron + IANA timezone). (The step DAG is checked
once, by the loader: ``loader/step_graph.py``.)

``cron`` is strictly the standard five fields (minute hour day-of-month month day-of-week,
Sunday = 0 or 7, names allowed), each range-checked; a six-field value is refused (it is not
standard cron and was silently taken as AWS cron). AWS-native schedules go in
``schedule.adapters.aws.expression`` as ``cron(…)`` (six fields), ``rate(…)`` or ``at(…)``.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from contractforge.validation.locate import PathKey, Problems, closest

_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
# (name, low, high, names mapped to numbers)
_FIELDS = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day-of-month", 1, 31, {}),
    ("month", 1, 12, {m: i + 1 for i, m in enumerate(_MONTHS)}),
    ("day-of-week", 0, 7, {d: i for i, d in enumerate(_DAYS)}),
)
_AWS_EXPRESSION = re.compile(r"^(cron|rate|at)\(.+\)$")


_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_AT = re.compile(r"^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$")


def aws_expression_problem(expression: str) -> str | None:
    """Why an ``adapters.aws.expression`` is not an EventBridge Scheduler expression."""
    text = " ".join(str(expression).split())
    if not _AWS_EXPRESSION.match(text):
        return cron_problem(text)  # a plain five-field cron is accepted here too
    if text.startswith("rate("):
        match = _RATE.match(text)
        if not match or int(match.group(1)) < 1:
            return f"'{expression}' must read rate(<n> minutes|hours|days) with n >= 1"
        return None
    if text.startswith("at("):
        return None if _AT.match(text) else f"'{expression}' must read at(yyyy-mm-ddThh:mm:ss)"
    fields = text[len("cron(") : -1].split(" ")
    if len(fields) != 6:
        return f"'{expression}' must have 6 fields inside cron(…) (minute hour day-of-month month day-of-week year)"
    return None


def cron_problem(expression: str) -> str | None:
    """Why ``expression`` is not a valid five-field cron, or None when it is."""
    text = " ".join(str(expression).split())
    fields = text.split(" ")
    if _AWS_EXPRESSION.match(text):
        return (f"cron '{expression}' is an AWS schedule expression; put it in schedule.adapters.aws.expression "
                "or write standard five-field cron here")  # fmt: skip
    if len(fields) == 6:
        return (f"cron '{expression}' has 6 fields; cron is standard five-field cron (minute hour day-of-month "
                "month day-of-week) — AWS six-field cron goes in schedule.adapters.aws.expression as cron(…)")  # fmt: skip
    if len(fields) != 5:
        return f"cron '{expression}' must have 5 fields (minute hour day-of-month month day-of-week)"
    for value, (name, low, high, names) in zip(fields, _FIELDS, strict=True):
        problem = _field_problem(value, low, high, names)
        if problem:
            return f"cron '{expression}': {name} field '{value}' {problem}"
    if fields[2] not in ("*", "?") and fields[4] not in ("*", "?"):
        return (
            f"cron '{expression}': set day-of-month or day-of-week, not both (AWS cron cannot express both)"
        )
    return None


def _number(token: str, names: dict[str, int]) -> int | None:
    if token.upper() in names:
        return names[token.upper()]
    return int(token) if token.isdigit() else None


def _field_problem(value: str, low: int, high: int, names: dict[str, int]) -> str | None:
    if value == "?":
        return None
    for part in value.split(","):
        base, _, step = part.partition("/")
        if step and (not step.isdigit() or int(step) == 0):
            return f"has an invalid step '/{step}'"
        if base == "*":
            continue
        start, _, end = base.partition("-")
        bounds = [_number(start, names)] + ([_number(end, names)] if end else [])
        if any(b is None for b in bounds):
            return f"is not a number, range, list or step between {low} and {high}"
        if any(not low <= b <= high for b in bounds):  # type: ignore[operator]
            return f"is out of range {low}-{high}"
        if len(bounds) == 2 and bounds[0] > bounds[1]:  # type: ignore[operator]
            return "has a range that runs backwards"
    return None


def timezone_problem(name: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        suggestion = closest(str(name), zoneinfo.available_timezones())
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        return f"unknown timezone '{name}'; use an IANA name such as Europe/Berlin{hint}"
    return None


def check_schedule(problems: Problems, schedule: Any, base: PathKey = ("schedule",)) -> None:
    if not isinstance(schedule, dict):
        return
    aws = schedule.get("adapters", {}).get("aws", {}) if isinstance(schedule.get("adapters"), dict) else {}
    aws = aws if isinstance(aws, dict) else {}
    for scope, block in ((base, schedule), ((*base, "adapters", "aws"), aws)):
        for key in ("cron", "expression"):
            if block.get(key) is not None:
                check = aws_expression_problem if key == "expression" else cron_problem
                problem = check(str(block[key]))
                if problem:
                    problems.add((*scope, key), problem, code="SCHEDULE_CRON_INVALID")
        if block.get("timezone") is not None:
            problem = timezone_problem(block["timezone"])
            if problem:
                problems.add((*scope, "timezone"), problem, code="SCHEDULE_TIMEZONE_INVALID")
    if not any(block.get(k) for block in (schedule, aws) for k in ("cron", "expression")):
        problems.add((*base,), "a schedule needs a cron expression", code="SCHEDULE_CRON_INVALID")
