"""Project-level semantic checks: the schedule (cron + IANA timezone). (The step DAG is checked
once, by the loader: ``loader/step_graph.py``.)

Cron follows the standard five fields (minute hour day-of-month month day-of-week, Sunday = 0
or 7, names allowed). AWS-style six-field input and ``cron(…)``/``rate(…)``/``at(…)``
expressions are accepted as written (ref §1.22.4); the schedule renderer translates.
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


def cron_problem(expression: str) -> str | None:
    """Why ``expression`` is not a valid schedule, or None when it is."""
    text = " ".join(str(expression).split())
    if _AWS_EXPRESSION.match(text):
        return None
    fields = text.split(" ")
    if len(fields) == 6:
        return None  # AWS six-field cron, passed through verbatim (ref §1.22.4)
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
                problem = cron_problem(str(block[key]))
                if problem:
                    problems.add((*scope, key), problem, code="SCHEDULE_CRON_INVALID")
        if block.get("timezone") is not None:
            problem = timezone_problem(block["timezone"])
            if problem:
                problems.add((*scope, "timezone"), problem, code="SCHEDULE_TIMEZONE_INVALID")
    if not any(block.get(k) for block in (schedule, aws) for k in ("cron", "expression")):
        problems.add((*base,), "a schedule needs a cron expression", code="SCHEDULE_CRON_INVALID")
