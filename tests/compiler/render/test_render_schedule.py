"""Standard cron + IANA timezone → EventBridge Scheduler expression (render/schedule.py)."""

from __future__ import annotations

import pytest
from contractforge.errors import ContractForgeError
from contractforge.project_plan import ScheduleSettings
from contractforge.render.schedule import aws_schedule_expression, render_schedule


@pytest.mark.parametrize(
    ("cron", "expected"),
    [
        ("0 6 * * *", "cron(0 6 * * ? *)"),  # daily: day-of-week is the '?' side
        ("0 6 1 * *", "cron(0 6 1 * ? *)"),  # monthly on the 1st
        ("15 5 * * *", "cron(15 5 * * ? *)"),
        ("30 2 * * 1", "cron(30 2 ? * 2 *)"),  # Monday: standard 1 -> AWS 2 (the upstream bug)
        ("0 0 * * 0", "cron(0 0 ? * 1 *)"),  # Sunday as 0
        ("0 0 * * 7", "cron(0 0 ? * 1 *)"),  # Sunday as 7
        ("0 0 * * 6", "cron(0 0 ? * 7 *)"),  # Saturday
        ("0 8 * * 1-5", "cron(0 8 ? * 2-6 *)"),  # weekday range shifted
        ("0 8 * * 0-6", "cron(0 8 ? * 1-7 *)"),
        ("0 8 * * 1,3,5", "cron(0 8 ? * 2,4,6 *)"),  # list shifted
        ("0 8 * * 5-7", "cron(0 8 ? * 1,6-7 *)"),  # ends on Sunday=7 -> wraps, expanded
        ("0 8 * * 5-1", "cron(0 8 ? * 1-2,6-7 *)"),  # wrapping range Fri..Mon
        ("0 8 * * */2", "cron(0 8 ? * 1,3,5,7 *)"),  # Sun, Tue, Thu, Sat
        ("0 8 * * 1-5/2", "cron(0 8 ? * 2,4,6 *)"),  # Mon, Wed, Fri
        ("0 8 * * 1/2", "cron(0 8 ? * 1-2,4,6 *)"),  # 1,3,5,7: Mon, Wed, Fri and Sun (7)
        ("0 8 * * MON-FRI", "cron(0 8 ? * MON-FRI *)"),  # names kept
        ("0 8 * * mon,wed", "cron(0 8 ? * MON,WED *)"),
        ("0 8 * * SUN", "cron(0 8 ? * SUN *)"),
        ("0 8 * * FRI-MON", "cron(0 8 ? * 1-2,6-7 *)"),  # wrapping names expanded
        ("*/15 * * * *", "cron(0/15 * * * ? *)"),
        ("0 */2 * * *", "cron(0 0/2 * * ? *)"),
        ("0 12 */3 * *", "cron(0 12 1/3 * ? *)"),
        ("0 12 1-31/2 JAN,jun *", "cron(0 12 1-31/2 JAN,JUN ? *)"),
        ("0 0 1 */3 *", "cron(0 0 1 1/3 ? *)"),
        ("5,35 9-17 * * *", "cron(5,35 9-17 * * ? *)"),
        ("@daily", "cron(0 0 * * ? *)"),
        ("@hourly", "cron(0 * * * ? *)"),
        ("@weekly", "cron(0 0 ? * 1 *)"),
        ("@monthly", "cron(0 0 1 * ? *)"),
        ("  0   6 * *   * ", "cron(0 6 * * ? *)"),  # extra spaces
        ("cron(0 6 * * ? *)", "cron(0 6 * * ? *)"),  # AWS form kept
        ("rate(5 minutes)", "rate(5 minutes)"),
        ("at(2030-01-31T06:00:00)", "at(2030-01-31T06:00:00)"),
    ],
)
def test_cron_translation(cron: str, expected: str) -> None:
    assert aws_schedule_expression(cron) == expected


def test_exactly_one_day_field_is_question_mark() -> None:
    for cron in ("0 6 * * *", "0 6 1 * *", "0 6 * * 1", "0 6 */2 * *", "0 6 * * MON"):
        fields = aws_schedule_expression(cron)[len("cron(") : -1].split(" ")
        assert len(fields) == 6 and fields[5] == "*"
        assert (fields[2] == "?") != (fields[4] == "?"), cron


@pytest.mark.parametrize(
    ("cron", "fragment"),
    [
        ("0 6 * *", "must have 5 fields"),
        ("0 6 * * * *", "must have 5 fields"),
        ("60 6 * * *", "minute value 60 outside 0-59"),
        ("0 24 * * *", "hour value 24 outside 0-23"),
        ("0 6 0 * *", "day-of-month value 0 outside 1-31"),
        ("0 6 * 13 *", "month value 13 outside 1-12"),
        ("0 6 * * 8", "day-of-week value 8 outside 0-7"),
        ("0 6 1 * 1", "restricts both day-of-month and day-of-week"),
        ("0 6 * * FUN", "invalid day-of-week value 'FUN'"),
        ("0 6 * FOO *", "invalid month value 'FOO'"),
        ("0 6 * * 1#2", "invalid day-of-week item"),
        ("0 6 L * *", "invalid day-of-month value 'L'"),
        ("10-5 6 * * *", "runs backwards"),
        ("*/0 * * * *", "step 0 out of range"),
        ("", "must have 5 fields"),
        ("cron(0 6 * * *)", "must have 6 fields"),
        ("cron(0 6 * * * *)", "exactly one of day-of-month/day-of-week"),
        ("rate(five minutes)", "rate(5 minutes)"),
    ],
)
def test_invalid_cron_is_a_located_error(cron: str, fragment: str) -> None:
    with pytest.raises(ContractForgeError) as caught:
        aws_schedule_expression(cron)
    error = caught.value
    assert error.exit_code == 2
    assert fragment in error.render()
    assert error.problems[0].file == "project.yaml"
    assert error.problems[0].field == "schedule.cron"


def test_render_schedule_state_timezone_and_window() -> None:
    definition = render_schedule(ScheduleSettings("30 5 * * 1-5", "Europe/Berlin", True, None, "p-schedule"))
    assert definition.name == "p-schedule"
    assert definition.schedule_expression == "cron(30 5 ? * 2-6 *)"
    assert definition.timezone == "Europe/Berlin"
    assert definition.state == "ENABLED"
    assert (definition.flexible_window_mode, definition.maximum_window_in_minutes) == ("OFF", None)

    disabled = render_schedule(ScheduleSettings("0 6 * * *", "UTC", False, 15, "p-schedule"))
    assert disabled.state == "DISABLED"
    assert (disabled.flexible_window_mode, disabled.maximum_window_in_minutes) == ("FLEXIBLE", 15)


@pytest.mark.parametrize("timezone", ["Mars/Olympus_Mons", "", "UTC+2", "../etc/passwd"])
def test_unknown_timezone_is_refused(timezone: str) -> None:
    with pytest.raises(ContractForgeError) as caught:
        render_schedule(ScheduleSettings("0 6 * * *", timezone, True))
    assert caught.value.problems[0].field == "schedule.timezone"
    assert caught.value.problems[0].file == "project.yaml"


@pytest.mark.parametrize("window", [0, 1441, -5])
def test_flexible_window_out_of_range_is_refused(window: int) -> None:
    with pytest.raises(ContractForgeError, match="flexible window"):
        render_schedule(ScheduleSettings("0 6 * * *", "UTC", True, window))


def test_errors_name_the_given_project_file() -> None:
    with pytest.raises(ContractForgeError) as caught:
        render_schedule(ScheduleSettings("0 6 1 * 1", "UTC", True), "projects/x/project.yaml")
    assert caught.value.render().startswith("error: projects/x/project.yaml: schedule.cron: ")


def test_compile_of_a_project_with_an_invalid_schedule_exits_2(tmp_path, capsys, monkeypatch) -> None:
    import contractforge.api as api
    from contractforge.cli.main import main

    from tests.compiler.render.plans import project, step

    plan = project(step("a"), schedule=ScheduleSettings("0 6 * * MONDAY", "UTC", True, None, "demo-schedule"))
    monkeypatch.setattr(api, "plan_project", lambda path, env: plan)  # the planner is not under test
    assert main(["compile", "demo", "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "demo/project.yaml: schedule.cron:" in error and "MONDAY" in error
    assert not (tmp_path / "out").exists()
