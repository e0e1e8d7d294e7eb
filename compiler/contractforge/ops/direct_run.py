"""`run --env aws`: start the project's Glue jobs in depends_on order and (optionally) wait.

Independent steps run concurrently; a step starts only when every dependency *inside the
selection* succeeded (dependencies outside ``--steps`` are taken as satisfied). A step whose
dependency ended any other way is BLOCKED. ConcurrentRunsExceededException leaves the step
WAITING_TO_START and it is retried on the next poll until ``max_wait_seconds``; throttling is
retried inside the client seam with jittered backoff.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from contractforge.ops.aws import AwsCallError, AwsSession, aws_error
from contractforge.ops.glue_runs import (
    BLOCKED,
    CONCURRENT_RUNS_EXCEEDED,
    NOT_STARTED,
    STARTED,
    SUCCESS,
    TERMINAL_STATES,
    WAIT_TIMEOUT,
    GlueJobs,
    step_result,
)
from contractforge.ops.step_outcome import RunSummary, StepOutcome
from contractforge.project_plan import ProjectPlan, StepPlan

WAITING_TO_START = "WAITING_TO_START"
HEARTBEAT_SECONDS = 60.0


@dataclass(frozen=True)
class RunOptions:
    wait: bool = True
    accept_expected_failures: bool = False
    max_wait_seconds: float = 3600.0
    poll_interval_seconds: float = 30.0
    run_group_id: str | None = None
    run_key: str | None = None  # per-run idempotency key, passed as --CONTRACTFORGE_RUN_KEY


class DirectRun:
    def __init__(
        self,
        session: AwsSession,
        plan: ProjectPlan,
        steps: list[StepPlan],
        options: RunOptions,
        *,
        progress: Callable[[str], None] = lambda line: None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.glue = GlueJobs(session)
        self.plan = plan
        self.options = options
        self.progress = progress
        self.clock = clock
        self.sleep = sleep
        selected = {step.name for step in steps}
        self.outcomes = [
            StepOutcome(
                step=step.name,
                job_name=step.glue.name,
                expected_result=step.expected_result,
                depends_on=tuple(d for d in step.depends_on if d in selected),
            )
            for step in steps
        ]
        self.by_name = {o.step: o for o in self.outcomes}
        self.run_group_id = options.run_group_id or f"cf-{uuid.uuid4().hex[:16]}"

    def execute(self) -> RunSummary:
        self._preflight()
        self.started = self._last_report = self.clock()
        self.deadline = self.started + self.options.max_wait_seconds
        if not self.options.wait:
            self._start_roots_only()
        else:
            self._run_to_completion()
        return RunSummary(
            mode="direct", project=self.plan.name, outcomes=self.outcomes, waited=self.options.wait
        )

    def _preflight(self) -> None:
        """Refuse before starting anything when a job is missing (nothing half-started to chase)."""
        missing = [o.job_name for o in self.outcomes if not self.glue.exists(o.job_name)]
        if missing:
            raise aws_error(
                f"Glue job(s) not found in {self.glue.session.region}: {', '.join(missing)}",
                where="glue.GetJob",
                exit_code=2,
                suggestion="run `terraform apply` on the compiled build first, or check --region/--env",
            )

    # -- no --wait: dependants cannot be gated without waiting, so only roots start
    def _start_roots_only(self) -> None:
        for outcome in self.outcomes:
            if outcome.depends_on:
                outcome.result = NOT_STARTED
                outcome.message = (
                    "depends on " + ", ".join(outcome.depends_on) + " (use --wait or --orchestration)"
                )
                continue
            self._try_start(outcome, final=True)
            if outcome.glue_run_id and not outcome.done:
                outcome.result = STARTED

    # -- --wait: a small event loop over start / poll / block
    def _run_to_completion(self) -> None:
        while True:
            self._block_dependants()
            for outcome in self._startable():
                self._try_start(outcome, final=self.clock() >= self.deadline)
            active = [o for o in self.outcomes if not o.done]
            if not active:
                return
            if self.clock() >= self.deadline:
                for outcome in active:
                    outcome.result = WAIT_TIMEOUT
                    outcome.finished_at = self.clock()
                    outcome.message = (
                        f"still {outcome.state} after --max-wait-seconds {self.options.max_wait_seconds:g}"
                    )
                    self._report(outcome)
                return
            self.sleep(self.options.poll_interval_seconds)
            for outcome in active:
                if outcome.glue_run_id:
                    self._poll(outcome)
            self._heartbeat()

    def _heartbeat(self) -> None:
        """Every HEARTBEAT_SECONDS without a state change: one line with each active step's elapsed time."""
        now = self.clock()
        if now - self._last_report < HEARTBEAT_SECONDS:
            return
        active = [o for o in self.outcomes if not o.done and o.glue_run_id]
        if active:
            parts = [f"{o.step} {o.state} {o.elapsed(now):.0f}s" for o in active]
            self.progress(f"[{now - self.started:6.0f}s] still running: " + ", ".join(parts))
        self._last_report = now

    def _startable(self) -> list[StepOutcome]:
        return [
            o
            for o in self.outcomes
            if not o.done
            and o.glue_run_id is None
            and all(self.by_name[d].result == SUCCESS for d in o.depends_on)
        ]

    def _block_dependants(self) -> None:
        changed = True
        while changed:
            changed = False
            for outcome in self.outcomes:
                if outcome.done or outcome.glue_run_id:
                    continue
                failed = [
                    d
                    for d in outcome.depends_on
                    if self.by_name[d].done and self.by_name[d].result != SUCCESS
                ]
                if failed:
                    outcome.result = BLOCKED
                    outcome.state = "NOT_RUN"
                    outcome.message = "dependency did not succeed: " + ", ".join(failed)
                    self._report(outcome)
                    changed = True

    def _try_start(self, outcome: StepOutcome, *, final: bool) -> None:
        arguments = {"--CONTRACTFORGE_RUN_GROUP_ID": self.run_group_id}
        if self.options.run_key:
            arguments["--CONTRACTFORGE_RUN_KEY"] = self.options.run_key
        remaining = max(0.0, self.deadline - self.clock())
        try:
            outcome.glue_run_id = self.glue.start(outcome.job_name, arguments, throttle_deadline=remaining)
        except AwsCallError as exc:
            if exc.code != CONCURRENT_RUNS_EXCEEDED:
                raise
            if final:
                outcome.state = WAITING_TO_START
                outcome.result = WAIT_TIMEOUT
                outcome.message = "could not start: another run of this job stayed active"
                self._report(outcome)
                return
            if outcome.state != WAITING_TO_START:
                outcome.state = WAITING_TO_START
                outcome.message = "another run of this job is active; retrying"
                self._report(outcome)
            return
        outcome.started_at = self.clock()
        outcome.state = "STARTING"
        outcome.message = None
        self._report(outcome)

    def _poll(self, outcome: StepOutcome) -> None:
        job_run = self.glue.get(outcome.job_name, outcome.glue_run_id)
        outcome.job_run = job_run
        state = job_run.get("JobRunState", "UNKNOWN")
        if state == outcome.state:
            return
        outcome.state = state
        if state in TERMINAL_STATES:
            outcome.finished_at = self.clock()
            outcome.result = step_result(
                state, outcome.expected_result, self.options.accept_expected_failures
            )
            outcome.message = job_run.get("ErrorMessage")
        self._report(outcome)

    def _report(self, outcome: StepOutcome) -> None:
        now = self._last_report = self.clock()
        elapsed = outcome.elapsed(now)
        shown = "" if elapsed is None else f" {elapsed:5.0f}s"
        suffix = f" -> {outcome.result}" if outcome.result else ""
        self.progress(f"[{now - self.started:6.0f}s] {outcome.step}: {outcome.state}{shown}{suffix}")


def run_direct(
    session: AwsSession, plan: ProjectPlan, steps: list[StepPlan], options: RunOptions, **kwargs
) -> RunSummary:
    return DirectRun(session, plan, steps, options, **kwargs).execute()
