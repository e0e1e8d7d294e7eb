"""Series-parallel tree of units (and child machines) → Amazon States Language definition.

Each unit is a ``glue:startJobRun.sync`` task with lineage arguments from the execution
context, ``TimeoutSeconds`` = job timeout + margin, Retry on concurrency/throttling errors with
exponential backoff and jitter, and a Catch that goes to a ``Fail`` state carrying the Glue
cause under the error ``ContractForge.StepFailed`` — or, for ``expected_result: failed`` units,
to a ``Pass`` state recording ``EXPECTED_FAILURE`` so the execution continues. A child machine
is a ``states:startExecution.sync:2`` task (its ARN is ``${state_machine_arn_prefix}<name>``,
filled in by Terraform's templatefile) with the same Catch.

Execution output (bounded, linear in the number of units): every task records
``{JobName, JobRunId, JobRunState}`` (a child: ``{ExecutionArn, Status}``) under
``$.runs.<unit>``; ``Parallel`` branches start from an empty input and their results are kept
under ``$.parallel.<state>`` (a list, one entry per branch). Collect run records by walking the
output for objects holding ``JobRunId``, and child executions through ``ExecutionArn``.

Per-run idempotency key: the execution input's ``run_key`` (e.g. ``{"run_key": "2026-01-31"}``,
``contractforge run --orchestration --idempotency-key``) is kept in the state as ``$.run_key`` ("" when
absent), handed to Parallel branches and child machines, and passed to every Glue job run as
``--CONTRACTFORGE_RUN_KEY``; the runtime fills ``{run_key}`` in the contract's idempotency key with it.

Lineage: in the root machine the run group and master run are ``$$.Execution.Id``; a child
machine receives them in its execution input (``master_run_id``, ``master_job_id``) and reads
them from ``$$.Execution.Input``, so every Glue run of one scheduled execution shares them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Generator
from typing import Any

from contractforge.render.step_functions.blocks import Parallel, Series
from contractforge.render.step_functions.split import ChildMachine, drive
from contractforge.render.step_functions.units import OrchestrationUnit

GLUE_SYNC = "arn:aws:states:::glue:startJobRun.sync"
START_EXECUTION_SYNC = "arn:aws:states:::states:startExecution.sync:2"
ARN_PREFIX_TOKEN = "${state_machine_arn_prefix}"
TIMEOUT_MARGIN_SECONDS = 600  # queueing + start-up on top of the Glue job timeout
MAX_STATE_NAME = 80
CONCURRENCY_RETRY = {
    "ErrorEquals": ["Glue.ConcurrentRunsExceededException"],
    "IntervalSeconds": 30,
    "BackoffRate": 2.0,
    "MaxAttempts": 8,
    "MaxDelaySeconds": 600,
    "JitterStrategy": "FULL",
}
THROTTLING_RETRY = {
    # Glue.AWSGlueException is deliberately absent: it also covers permanent errors.
    "ErrorEquals": [
        "Glue.ThrottlingException",
        "Glue.InternalServiceException",
        "Glue.OperationTimeoutException",
    ],
    "IntervalSeconds": 5,
    "BackoffRate": 2.0,
    "MaxAttempts": 5,
    "MaxDelaySeconds": 120,
    "JitterStrategy": "FULL",
}
CHILD_RETRY = {
    "ErrorEquals": ["StepFunctions.ExecutionLimitExceeded", "StepFunctions.ThrottlingException"],
    "IntervalSeconds": 30,
    "BackoffRate": 2.0,
    "MaxAttempts": 5,
    "MaxDelaySeconds": 600,
    "JitterStrategy": "FULL",
}
GLUE_RETRY_ATTEMPTS = CONCURRENCY_RETRY["MaxAttempts"] + THROTTLING_RETRY["MaxAttempts"]
CHILD_RETRY_ATTEMPTS = CHILD_RETRY["MaxAttempts"]
INITIAL_STATE = "Start"
START_WITH_KEY, START_WITHOUT_KEY = "Start with run key", "Start without run key"
RUN_KEY_ARGUMENT = "--CONTRACTFORGE_RUN_KEY.$"  # the runtime reads --CONTRACTFORGE_RUN_KEY (entry.py)
STEP_FAILED_ERROR = "ContractForge.StepFailed"
EMPTY_RECORDS: dict[str, Any] = {"parallel": {}, "runs": {}}
LINEAGE_ARGUMENTS = {
    "--CONTRACTFORGE_PARENT_RUN_ID.$": "$$.Execution.Id",
    "--CONTRACTFORGE_RUN_GROUP_ID.$": "$$.Execution.Id",
    "--CONTRACTFORGE_MASTER_JOB_ID.$": "$$.StateMachine.Id",
    "--CONTRACTFORGE_MASTER_RUN_ID.$": "$$.Execution.Id",
    RUN_KEY_ARGUMENT: "$.run_key",
}
CHILD_LINEAGE_ARGUMENTS = {
    "--CONTRACTFORGE_PARENT_RUN_ID.$": "$$.Execution.Id",
    "--CONTRACTFORGE_RUN_GROUP_ID.$": "$$.Execution.Input.master_run_id",
    "--CONTRACTFORGE_MASTER_JOB_ID.$": "$$.Execution.Input.master_job_id",
    "--CONTRACTFORGE_MASTER_RUN_ID.$": "$$.Execution.Input.master_run_id",
    RUN_KEY_ARGUMENT: "$.run_key",
}


def machine_definition(
    tree: Any, units: dict[str, OrchestrationUnit], machine_names: list[str], comment: str, is_root: bool
) -> dict[str, Any]:
    """The definition of one machine (``machine_names[i]`` names ``ChildMachine(i)``)."""
    if isinstance(tree, Series) and not tree.parts:
        states = {"NoSteps": {"Type": "Succeed", "Comment": "The project has no runnable steps."}}
        return {"Comment": comment, "StartAt": "NoSteps", "States": states}
    emitter = _Emitter(units, machine_names, is_root)
    states: dict[str, Any] = {}
    first = drive(emitter.emit(tree, None, states))
    states.update(_start_states(first, is_root))
    return {"Comment": comment, "StartAt": INITIAL_STATE, "States": states}


def _start_states(first: str, is_root: bool) -> dict[str, Any]:
    """Empty run records plus the per-run idempotency key: the execution input's ``run_key`` (a
    string) when present, else "" (no key). Every Glue task passes it as --CONTRACTFORGE_RUN_KEY."""
    read = "the execution input's run_key" if is_root else "the run_key the master execution passed"
    return {
        INITIAL_STATE: {
            "Type": "Choice",
            "Comment": f"start with empty run records and {read}, when present (other input is not used)",
            "Choices": [
                {
                    "And": [
                        {"Variable": "$.run_key", "IsPresent": True},
                        {"Variable": "$.run_key", "IsString": True},
                    ],
                    "Next": START_WITH_KEY,
                }
            ],
            "Default": START_WITHOUT_KEY,
        },
        START_WITH_KEY: {
            "Type": "Pass",
            "Parameters": {**EMPTY_RECORDS, "run_key.$": "$.run_key"},
            "Next": first,
        },
        START_WITHOUT_KEY: {"Type": "Pass", "Result": {**EMPTY_RECORDS, "run_key": ""}, "Next": first},
    }


class _Emitter:
    def __init__(self, units: dict[str, OrchestrationUnit], machine_names: list[str], is_root: bool) -> None:
        self.units, self.machine_names, self.is_root = units, machine_names, is_root
        self.parallel_count = 0
        self.used: set[str] = {INITIAL_STATE, START_WITH_KEY, START_WITHOUT_KEY}
        self.keys: set[str] = set()

    def emit(self, block: Any, next_state: str | None, states: dict[str, Any]) -> Generator[Any, Any, str]:
        if isinstance(block, Series):
            for part in reversed(block.parts):
                next_state = yield self.emit(part, next_state, states)
            return next_state
        if isinstance(block, Parallel):
            return (yield self._parallel(block, next_state, states))
        if isinstance(block, ChildMachine):
            return self._child(block, next_state, states)
        return self._task(self.units[block.step], next_state, states)

    def _parallel(
        self, block: Parallel, next_state: str | None, states: dict[str, Any]
    ) -> Generator[Any, Any, str]:
        self.parallel_count += 1
        name = self._name(f"Parallel {self.parallel_count}")
        branches = []
        for branch in block.branches:
            branch_states: dict[str, Any] = {}
            start = yield self.emit(branch, None, branch_states)
            branches.append({"StartAt": start, "States": branch_states})
        state = {
            "Type": "Parallel",
            "Parameters": {**EMPTY_RECORDS, "run_key.$": "$.run_key"},
            "Branches": branches,
            "ResultPath": f"$.parallel.{self._key(name)}",
        }
        states[name] = _chain(state, next_state)
        return name

    def _task(self, unit: OrchestrationUnit, next_state: str | None, states: dict[str, Any]) -> str:
        name = self._name(unit.name)
        key = self._key(unit.name)
        expected_failure = unit.expected_result == "failed"
        catch_name = self._name(f"{unit.name} {'expected failure' if expected_failure else 'failed'}")
        task = {
            "Type": "Task",
            "Comment": f"step {unit.name} (expected_result {unit.expected_result})",
            "Resource": GLUE_SYNC,
            "Parameters": {
                "JobName": unit.job_name,
                "Arguments": dict(LINEAGE_ARGUMENTS if self.is_root else CHILD_LINEAGE_ARGUMENTS),
            },
            "TimeoutSeconds": unit.timeout_minutes * 60 + TIMEOUT_MARGIN_SECONDS,
            "Retry": [dict(CONCURRENCY_RETRY), dict(THROTTLING_RETRY)],
            "ResultSelector": {
                "JobName.$": "$.JobName",
                "JobRunId.$": "$.Id",
                "JobRunState.$": "$.JobRunState",
            },
            "ResultPath": f"$.runs.{key}",
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": f"$.runs.{key}", "Next": catch_name}],
        }
        states[name] = _chain(task, next_state)
        if expected_failure:
            states[catch_name] = _chain(
                {
                    "Type": "Pass",
                    "Comment": "expected_result: failed — the failure is recorded, the execution continues",
                    "Parameters": {
                        "JobName": unit.job_name,
                        "status": "EXPECTED_FAILURE",
                        "Error.$": f"$.runs.{key}.Error",
                        "Cause.$": f"$.runs.{key}.Cause",
                    },
                    "ResultPath": f"$.runs.{key}",
                },
                next_state,
            )
        else:
            states[catch_name] = {
                "Type": "Fail",
                "Comment": f"step {unit.name} (Glue job {unit.job_name}) failed",
                # A Fail state's error may not start with "States." (the Glue error usually is
                # States.TaskFailed), so the error is ours and the cause is Glue's (the job run JSON).
                "Error": STEP_FAILED_ERROR,
                "CausePath": f"$.runs.{key}.Cause",
            }
        return name

    def _child(self, child: ChildMachine, next_state: str | None, states: dict[str, Any]) -> str:
        machine = self.machine_names[child.machine]
        name = self._name(machine)
        key = self._key(machine)
        catch_name = self._name(f"{machine} failed")
        lineage = (
            {"master_run_id.$": "$$.Execution.Id", "master_job_id.$": "$$.StateMachine.Id"}
            if self.is_root
            else {
                "master_run_id.$": "$$.Execution.Input.master_run_id",
                "master_job_id.$": "$$.Execution.Input.master_job_id",
            }
        )
        task = {
            "Type": "Task",
            "Comment": f"child state machine {machine} ({child.units} Glue job run(s))",
            "Resource": START_EXECUTION_SYNC,
            "Parameters": {
                "StateMachineArn": ARN_PREFIX_TOKEN + machine,
                "Input": {
                    **lineage,
                    "run_key.$": "$.run_key",
                    "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id",
                },
            },
            "Retry": [dict(CHILD_RETRY)],
            "ResultSelector": {"ExecutionArn.$": "$.ExecutionArn", "Status.$": "$.Status"},
            "ResultPath": f"$.runs.{key}",
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": f"$.runs.{key}", "Next": catch_name}],
        }
        states[name] = _chain(task, next_state)
        states[catch_name] = {
            "Type": "Fail",
            "Comment": f"child state machine {machine} failed (its cause names the failed step)",
            "Error": STEP_FAILED_ERROR,
            "CausePath": f"$.runs.{key}.Cause",
        }
        return name

    def _key(self, name: str) -> str:
        """A unique JSONPath member name (letters, digits, underscore; never starting with a digit)."""
        key = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "_") else "_" for ch in name)
        if not key or key[0].isdigit() or key in self.keys:
            key = f"s_{key}_{hashlib.sha256(name.encode()).hexdigest()[:8]}"
        self.keys.add(key)
        return key

    def _name(self, wanted: str) -> str:
        """State names are unique in the whole machine and at most 80 characters."""
        name = wanted if len(wanted) <= MAX_STATE_NAME else _shortened(wanted)
        counter = 1
        while name in self.used:
            counter += 1
            name = (
                _shortened(f"{wanted} #{counter}")
                if len(wanted) + 4 > MAX_STATE_NAME
                else f"{wanted} #{counter}"
            )
        self.used.add(name)
        return name


def _chain(state: dict[str, Any], next_state: str | None) -> dict[str, Any]:
    return {**state, "Next": next_state} if next_state else {**state, "End": True}


def _shortened(text: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{text[: MAX_STATE_NAME - 9]}~{digest}"
