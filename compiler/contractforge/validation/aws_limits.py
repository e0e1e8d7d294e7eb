"""What AWS itself would refuse at deploy or run time, checked before anything is deployed.

Names: Glue databases/tables (lower-cased by Glue, ``[a-z0-9_]``, ≤ 255; Athena cannot query
other characters), Glue job names (≤ 255, ``[A-Za-z0-9_.-]``), Step Functions state names (the
step names, ≤ 80) and state machine / execution names (≤ 80, ``[A-Za-z0-9_-]``), EventBridge
Scheduler names (≤ 64). Values: known regions, Glue worker types, IAM role and state machine ARN
shapes, Lake Formation privilege names.
"""

from __future__ import annotations

import re
from typing import Any

from contractforge.validation.locate import PathKey, Problems, closest

REGIONS = (
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-southeast-5", "ap-southeast-7", "ca-central-1", "ca-west-1", "cn-north-1", "cn-northwest-1",
    "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
    "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1",
    "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1", "us-west-2",
)  # fmt: skip
WORKER_TYPES = ("G.025X", "G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X", "R.1X", "R.2X", "R.4X", "R.8X",
                "Standard", "Z.2X")  # fmt: skip
LAKE_FORMATION_PRIVILEGES = (
    "ALL", "ALTER", "ASSOCIATE", "CREATE_DATABASE", "CREATE_LF_TAG", "CREATE_TABLE", "DATA_LOCATION_ACCESS",
    "DELETE", "DESCRIBE", "DROP", "GRANT_WITH_LF_TAG_EXPRESSION", "INSERT", "SELECT", "SUPER",
)  # fmt: skip
_PARTITION = r"aws(?:-cn|-us-gov|-iso|-iso-[a-z])?"
ROLE_ARN = re.compile(rf"^arn:{_PARTITION}:iam::\d{{12}}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{{1,64}}$")
STATE_MACHINE_ARN = re.compile(
    rf"^arn:{_PARTITION}:states:[a-z]{{2}}(?:-gov)?-[a-z]+-\d:\d{{12}}:stateMachine:[A-Za-z0-9_-]{{1,80}}$"
)
PRINCIPAL_ARN = re.compile(rf"^arn:{_PARTITION}:iam::\d{{12}}:(?:role|user|group)/[\w+=,.@/-]+$")
GLUE_NAME = re.compile(r"^[A-Za-z0-9_]+$")
GLUE_NAME_MAX = 255
STEP_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
STEP_NAME_MAX = 80
STATE_MACHINE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
STATE_MACHINE_NAME_MAX = 80
GLUE_JOB_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
GLUE_JOB_NAME_MAX = 255
SCHEDULE_PREFIX_MAX = 64 - len("-schedule")
_TEMPLATE = ("{{", "${")


def _templated(value: Any) -> bool:
    return isinstance(value, str) and any(token in value for token in _TEMPLATE)


def check_glue_name(problems: Problems, path: PathKey, value: Any, what: str) -> None:
    """A Glue database or table name part (Athena reads only these names)."""
    if value is None or _templated(value):
        return
    text = str(value)
    if not GLUE_NAME.match(text):
        fixed = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_").lower() or None
        problems.add(path, f"{what} '{text}' may only hold letters, digits and '_' (Glue and Athena names)",
                     suggestion=fixed, code="AWS_NAME_INVALID")  # fmt: skip
    elif len(text) > GLUE_NAME_MAX:
        problems.add(path, f"{what} is {len(text)} characters; Glue allows {GLUE_NAME_MAX}",
                     code="AWS_NAME_TOO_LONG")  # fmt: skip


def check_named(problems: Problems, path: PathKey, value: Any, what: str, pattern: re.Pattern[str],
                limit: int, allowed: str) -> None:  # fmt: skip
    if value is None or _templated(value):
        return
    text = str(value)
    if not pattern.match(text):
        problems.add(path, f"{what} '{text}' may only hold {allowed}", code="AWS_NAME_INVALID")
    elif len(text) > limit:
        problems.add(path, f"{what} '{text[:40]}…' is {len(text)} characters; AWS allows {limit}",
                     code="AWS_NAME_TOO_LONG")  # fmt: skip


def check_step_name(problems: Problems, path: PathKey, name: Any) -> None:
    check_named(problems, path, name, "step name (a Step Functions state and part of the Glue job name)",
                STEP_NAME, STEP_NAME_MAX, "letters, digits, '_', '.' and '-'")  # fmt: skip


def check_project_name(problems: Problems, path: PathKey, name: Any) -> None:
    """The project name is the state machine name (and its executions') and the schedule's prefix."""
    if name is None or _templated(name):
        return
    check_named(problems, path, name, "project name (the Step Functions state machine name)",
                STATE_MACHINE_NAME, STATE_MACHINE_NAME_MAX, "letters, digits, '_' and '-'")  # fmt: skip
    if STATE_MACHINE_NAME.match(str(name)) and STATE_MACHINE_NAME_MAX >= len(str(name)) > SCHEDULE_PREFIX_MAX:
        problems.add(path, f"project name is {len(str(name))} characters; the EventBridge Scheduler name "
                     f"'<project>-schedule' allows {SCHEDULE_PREFIX_MAX} for it", code="AWS_NAME_TOO_LONG")  # fmt: skip


def check_region(problems: Problems, path: PathKey, region: Any) -> None:
    if region is None or _templated(region) or str(region) in REGIONS:
        return
    problems.add(path, f"unknown AWS region '{region}'", suggestion=closest(str(region).lower(), REGIONS),
                 code="AWS_REGION_UNKNOWN")  # fmt: skip


def check_worker_type(problems: Problems, path: PathKey, worker: Any) -> None:
    if worker is None or _templated(worker) or str(worker) in WORKER_TYPES:
        return
    upper = {w.upper(): w for w in WORKER_TYPES}
    hint = upper.get(str(worker).upper()) or closest(str(worker), WORKER_TYPES)
    problems.add(path, f"unknown Glue worker type '{worker}' (known: {', '.join(WORKER_TYPES)})",
                 suggestion=hint, code="AWS_WORKER_TYPE_UNKNOWN")  # fmt: skip


def check_arn(problems: Problems, path: PathKey, value: Any, pattern: re.Pattern[str], shape: str) -> None:
    if value is None or _templated(value) or pattern.match(str(value)):
        return
    problems.add(path, f"'{value}' is not {shape}", code="AWS_ARN_INVALID")


def check_role_arn(problems: Problems, path: PathKey, value: Any) -> None:
    check_arn(
        problems, path, value, ROLE_ARN, "an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)"
    )


def check_glue_job(problems: Problems, glue_job: dict[str, Any], base: PathKey) -> None:
    check_worker_type(problems, (*base, "worker_type"), glue_job.get("worker_type"))
    check_role_arn(problems, (*base, "role_arn"), glue_job.get("role_arn"))
    check_named(problems, (*base, "name"), glue_job.get("name"), "Glue job name", GLUE_JOB_NAME,
                GLUE_JOB_NAME_MAX, "letters, digits, '_', '.' and '-'")  # fmt: skip


def check_orchestration(problems: Problems, aws: dict[str, Any], base: PathKey) -> None:
    """``step_functions`` / ``scheduler`` blocks of ``environment.parameters.aws``."""
    step_functions = aws.get("step_functions") if isinstance(aws.get("step_functions"), dict) else {}
    check_role_arn(problems, (*base, "step_functions", "role_arn"), step_functions.get("role_arn"))
    check_arn(problems, (*base, "step_functions", "state_machine_arn"), step_functions.get("state_machine_arn"),
              STATE_MACHINE_ARN, "a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>)")  # fmt: skip
    check_named(problems, (*base, "step_functions", "state_machine_name"), step_functions.get("state_machine_name"),
                "state machine name", STATE_MACHINE_NAME, STATE_MACHINE_NAME_MAX, "letters, digits, '_' and '-'")  # fmt: skip
    scheduler = aws.get("scheduler") if isinstance(aws.get("scheduler"), dict) else {}
    check_role_arn(problems, (*base, "scheduler", "role_arn"), scheduler.get("role_arn"))


def check_grants(problems: Problems, grants: Any, base: PathKey = ("access", "grants")) -> None:
    for index, grant in enumerate(grants or ()):
        if not isinstance(grant, dict):
            continue
        privileges = grant.get("privileges")
        privileges = [privileges] if isinstance(privileges, str) else list(privileges or ())
        if not privileges:
            problems.add((*base, index, "privileges"), "a grant needs at least one privilege",
                         code="LF_PRIVILEGE_UNKNOWN")  # fmt: skip
        for position, privilege in enumerate(privileges):
            name = str(privilege).strip().upper()
            if name not in LAKE_FORMATION_PRIVILEGES:
                problems.add((*base, index, "privileges", position),
                             f"'{privilege}' is not a Lake Formation privilege ({', '.join(LAKE_FORMATION_PRIVILEGES)})",
                             suggestion=closest(name, LAKE_FORMATION_PRIVILEGES), code="LF_PRIVILEGE_UNKNOWN")  # fmt: skip
        principal = grant.get("principal")
        if isinstance(principal, str) and principal.startswith("arn:") and not _templated(principal):
            check_arn(problems, (*base, index, "principal"), principal, PRINCIPAL_ARN,
                      "an IAM principal ARN (arn:aws:iam::<account>:role/<name>)")  # fmt: skip
