"""`run --env aws --orchestration`: start the project's state machine, wait, report each Glue run.

The execution name is deterministic: ``<project>-<execution key>-<hash>`` where the key defaults
to the UTC date, so running the same command twice attaches to the execution already started
(StartExecution answers ExecutionAlreadyExists) instead of starting the project twice.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

from contractforge.errors import ContractForgeError
from contractforge.ops.aws import AwsCallError, AwsSession, aws_error
from contractforge.ops.direct_run import RunOptions
from contractforge.ops.glue_runs import (
    BLOCKED,
    EXPECTED_FAILURE,
    FAILED,
    STARTED,
    TERMINAL_STATES,
    WAIT_TIMEOUT,
    GlueJobs,
    step_result,
)
from contractforge.ops.sfn_history import GlueTask, child_executions, glue_tasks
from contractforge.ops.step_outcome import RunSummary, StepOutcome
from contractforge.project_plan import ProjectPlan

RUNNING = "RUNNING"
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


def default_execution_key(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%d")


def execution_name(plan: ProjectPlan, key: str) -> str:
    """Deterministic StartExecution name (≤ 80 chars of [A-Za-z0-9_-])."""
    fingerprint = json.dumps(
        {
            "project": plan.name,
            "state_machine": plan.state_machine_name,
            "key": key,
            "jobs": sorted(step.glue.name for step in plan.steps),
        },
        sort_keys=True,
    )
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:10]
    stem = _NAME_CHARS.sub("-", f"{plan.name}-{key}").strip("-")[: 80 - len(digest) - 1]
    return f"{stem}-{digest}"


def find_state_machine(session: AwsSession, name: str) -> str:
    if not name:
        raise ContractForgeError.single("the project has no state machine name", field="state_machine_name")
    for machine in session.paginate("stepfunctions", "list_state_machines", "stateMachines"):
        if machine["name"] == name:
            return machine["stateMachineArn"]
    raise aws_error(
        f"state machine {name!r} not found in {session.region}",
        where="stepfunctions.ListStateMachines",
        exit_code=2,
        suggestion="apply the compiled Terraform (it creates the state machine) or check --region",
    )


class OrchestratedRun:
    def __init__(
        self,
        session: AwsSession,
        plan: ProjectPlan,
        options: RunOptions,
        *,
        execution_key: str | None = None,
        progress: Callable[[str], None] = lambda line: None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.session = session
        self.glue = GlueJobs(session)
        self.plan = plan
        self.options = options
        self.name = execution_name(plan, execution_key or default_execution_key())
        self.progress = progress
        self.clock = clock
        self.sleep = sleep
        # the compiled state machine holds the runnable steps only
        self.outcomes = [
            StepOutcome(
                step=s.name, job_name=s.glue.name, expected_result=s.expected_result, depends_on=s.depends_on
            )
            for s in plan.steps
            if s.runnable
        ]

    def execute(self) -> RunSummary:
        self.started = self.clock()
        machine_arn = find_state_machine(self.session, self.plan.state_machine_name)
        execution_arn = self._start(machine_arn)
        status = self._describe(execution_arn)["status"]
        self.progress(f"[{0:6.0f}s] execution {self.name}: {status}")
        if self.options.wait:
            status = self._wait(execution_arn, status)
        self._collect(execution_arn, status)
        return RunSummary(
            mode="orchestrated",
            project=self.plan.name,
            outcomes=self.outcomes,
            waited=self.options.wait,
            execution_arn=execution_arn,
            execution_status=status,
        )

    def _start(self, machine_arn: str) -> str:
        try:
            return self.session.call(
                "stepfunctions",
                "start_execution",
                stateMachineArn=machine_arn,
                name=self.name,
                input=json.dumps({"run_key": self.options.run_key} if self.options.run_key else {}),
            )["executionArn"]
        except AwsCallError as exc:
            if exc.code != "ExecutionAlreadyExists":
                raise
        arn = machine_arn.replace(":stateMachine:", ":execution:") + f":{self.name}"
        self.progress(f"execution {self.name} already exists: attaching to it")
        return arn

    def _describe(self, execution_arn: str) -> dict:
        return self.session.call("stepfunctions", "describe_execution", executionArn=execution_arn)

    def _wait(self, execution_arn: str, status: str) -> str:
        deadline = self.started + self.options.max_wait_seconds
        seen: dict[str, tuple] = {}
        while status == RUNNING and self.clock() < deadline:
            self.sleep(self.options.poll_interval_seconds)
            status = self._describe(execution_arn)["status"]
            for job, task in self._tasks(execution_arn).items():
                marker = (task.run_id, task.state)
                if seen.get(job) != marker:
                    seen[job] = marker
                    self.progress(f"[{self.clock() - self.started:6.0f}s] {job}: {task.state or 'RUNNING'}")
        self.progress(f"[{self.clock() - self.started:6.0f}s] execution {self.name}: {status}")
        return status

    def _tasks(self, execution_arn: str) -> dict[str, GlueTask]:
        """Glue tasks of the execution and of the child executions it started (split projects)."""
        tasks: dict[str, GlueTask] = {}
        pending, seen = [execution_arn], set()
        while pending:
            arn = pending.pop(0)
            if arn in seen:
                continue
            seen.add(arn)
            events = list(
                self.session.paginate("stepfunctions", "get_execution_history", "events", executionArn=arn)
            )
            tasks.update(glue_tasks(events))
            pending.extend(child_executions(events))
        return tasks

    def _collect(self, execution_arn: str, status: str) -> None:
        tasks = self._tasks(execution_arn)
        for outcome in self.outcomes:
            task = tasks.get(outcome.job_name)
            if task and task.run_id:
                outcome.glue_run_id = task.run_id
                job_run = self.glue.get(outcome.job_name, task.run_id)
                outcome.job_run = job_run
                outcome.state = job_run.get("JobRunState", task.state or "UNKNOWN")
                outcome.message = job_run.get("ErrorMessage") or task.error
            elif task:
                outcome.state, outcome.message = task.state or "NOT_RUN", task.error
            else:
                outcome.state = "NOT_RUN"
            if outcome.state in TERMINAL_STATES:
                outcome.result = step_result(
                    outcome.state, outcome.expected_result, self.options.accept_expected_failures
                )
            elif not self.options.wait:
                outcome.result = STARTED if task else None
            elif status == RUNNING:
                outcome.result = WAIT_TIMEOUT
            else:
                outcome.result = BLOCKED
                outcome.message = outcome.message or f"not reached: execution {status}"
        explained = any(o.result in (FAILED, EXPECTED_FAILURE) for o in self.outcomes)
        if status not in ("SUCCEEDED", RUNNING) and not explained:
            # the execution failed for a reason no Glue run explains (e.g. a missing job)
            for outcome in self.outcomes:
                if outcome.result == BLOCKED:
                    outcome.result = FAILED


def run_orchestrated(session: AwsSession, plan: ProjectPlan, options: RunOptions, **kwargs) -> RunSummary:
    return OrchestratedRun(session, plan, options, **kwargs).execute()
