"""Glue job runs: the state vocabulary, the outcome of a step, and start/describe through the seam."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # boto3 loads with a session; the state vocabulary (cost, report) needs none
    from contractforge.ops.aws import AwsSession

SUCCEEDED_STATES = frozenset({"SUCCEEDED"})
FAILED_STATES = frozenset({"FAILED", "TIMEOUT", "STOPPED", "ERROR", "EXPIRED"})
TERMINAL_STATES = SUCCEEDED_STATES | FAILED_STATES
ACTIVE_STATES = frozenset({"STARTING", "RUNNING", "STOPPING", "WAITING"})

# Results of a step in a project run.
SUCCESS = "SUCCESS"
FAILED = "FAILED"
EXPECTED_FAILURE = "EXPECTED_FAILURE"
UNEXPECTED_SUCCESS = "UNEXPECTED_SUCCESS"  # expected_result: failed, accepted, but it succeeded
WAIT_TIMEOUT = "WAIT_TIMEOUT"  # still running when --max-wait-seconds ran out
BLOCKED = "BLOCKED"  # a dependency did not succeed
NOT_STARTED = "NOT_STARTED"  # no --wait: dependants of running steps are left alone
STARTED = "STARTED"  # no --wait: started, not waited for
UNEXPECTED_RESULTS = frozenset({FAILED, UNEXPECTED_SUCCESS, WAIT_TIMEOUT})

CONCURRENT_RUNS_EXCEEDED = "ConcurrentRunsExceededException"


def step_result(state: str, expected_result: str, accept_expected_failures: bool) -> str:
    """Map a terminal Glue state to SUCCESS / FAILED / EXPECTED_FAILURE (/ UNEXPECTED_SUCCESS).

    A step declared ``expected_result: failed`` counts as EXPECTED_FAILURE only with
    ``--accept-expected-failures``; with the flag, its success is itself unexpected.
    """
    expects_failure = expected_result == "failed" and accept_expected_failures
    if state in SUCCEEDED_STATES:
        return UNEXPECTED_SUCCESS if expects_failure else SUCCESS
    if state in FAILED_STATES:
        return EXPECTED_FAILURE if expects_failure else FAILED
    raise ValueError(f"Glue state {state!r} is not terminal")


def contractforge_run_id(job_name: str, glue_run_id: str) -> str:
    """The runtime's run id for a Glue run (``<job name>:<glue run id>``)."""
    return f"{job_name}:{glue_run_id}"


class GlueJobs:
    """StartJobRun / GetJobRun / GetJobRuns through the session's single ``call``."""

    def __init__(self, session: AwsSession):
        self.session = session

    def start(self, job_name: str, arguments: dict[str, str], *, throttle_deadline: float | None) -> str:
        """Start one run; throttling is retried (jittered backoff) until ``throttle_deadline`` seconds.

        ConcurrentRunsExceededException is *not* retried here: it surfaces as ``AwsCallError``
        with ``code == CONCURRENT_RUNS_EXCEEDED`` so the caller can keep polling other steps.
        """
        from contractforge.ops.aws import THROTTLING_CODES, RetryPolicy

        retry = RetryPolicy(
            codes=THROTTLING_CODES, max_attempts=None, deadline_seconds=throttle_deadline or 0
        )
        response = self.session.call(
            "glue", "start_job_run", retry=retry, JobName=job_name, Arguments=arguments
        )
        return response["JobRunId"]

    def get(self, job_name: str, run_id: str) -> dict[str, Any]:
        return self.session.call(
            "glue", "get_job_run", JobName=job_name, RunId=run_id, PredecessorsIncluded=False
        )["JobRun"]

    def runs(self, job_name: str) -> list[dict[str, Any]]:
        return list(self.session.paginate("glue", "get_job_runs", "JobRuns", JobName=job_name))

    def exists(self, job_name: str) -> bool:
        from contractforge.ops.aws import AwsCallError

        try:
            self.session.call("glue", "get_job", JobName=job_name)
        except AwsCallError as exc:
            if exc.code in {"EntityNotFoundException", "JobNotFoundException"}:
                return False
            raise
        return True
