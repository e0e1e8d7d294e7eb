"""Read the Glue runs of a Step Functions execution out of its event history (pure).

``glue:startJobRun.sync`` tasks produce TaskScheduled (parameters.JobName) → TaskStarted →
TaskSubmitted (output.JobRunId) → TaskSucceeded (output = GetJobRun) or TaskFailed (cause,
often the GetJobRun JSON). Events of parallel branches interleave, so every event is tied to
its task through the ``previousEventId`` chain back to its TaskScheduled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass
class GlueTask:
    job_name: str
    run_id: str | None = None
    state: str | None = None  # JobRunState when the task reported it
    error: str | None = None  # TaskFailed error / cause (first line)


def glue_tasks(events: list[dict[str, Any]]) -> dict[str, GlueTask]:
    """The latest Glue task per job name in this history."""
    job_of_event: dict[int, str] = {}
    tasks: dict[str, GlueTask] = {}
    for event in sorted(events, key=lambda e: e.get("id", 0)):
        kind = event.get("type", "")
        event_id = event.get("id", 0)
        details = _details(event)
        if kind == "TaskScheduled":
            if details.get("resourceType") != "glue":
                continue
            job = _json(details.get("parameters")).get("JobName")
            if job:
                job_of_event[event_id] = job
                tasks[job] = GlueTask(job_name=job)
            continue
        job = job_of_event.get(event.get("previousEventId", -1))
        if kind not in {"TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskFailed", "TaskTimedOut"}:
            continue
        if details.get("resourceType") not in (None, "glue"):
            continue
        payload = _json(details.get("output") or details.get("cause"))
        job = payload.get("JobName") or job
        if not job:
            continue
        job_of_event[event_id] = job
        task = tasks.setdefault(job, GlueTask(job_name=job))
        task.run_id = payload.get("JobRunId") or payload.get("Id") or task.run_id
        if payload.get("JobRunState"):
            task.state = payload["JobRunState"]
        if kind in {"TaskFailed", "TaskTimedOut"}:
            cause = details.get("cause") or ""
            message = payload.get("ErrorMessage") if payload else (cause.splitlines() or [""])[0]
            task.error = f"{details.get('error', kind)}: {message}".strip(": ")
            task.state = task.state or ("TIMEOUT" if kind == "TaskTimedOut" else "FAILED")
    return tasks


def child_executions(events: list[dict[str, Any]]) -> list[str]:
    """Executions of child state machines this history started (``states:startExecution.sync:2``
    tasks of a project split into several machines), in the order they were submitted."""
    found: list[str] = []
    for event in sorted(events, key=lambda e: e.get("id", 0)):
        details = _details(event)
        if (
            event.get("type") in ("TaskSubmitted", "TaskSucceeded")
            and details.get("resourceType") == "states"
        ):
            arn = _json(details.get("output")).get("ExecutionArn")
            if isinstance(arn, str) and arn not in found:
                found.append(arn)
    return found


def _details(event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def _json(text: Any) -> dict[str, Any]:
    if not isinstance(text, str):
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
