"""AWS limits a state machine must respect, and the worst-case cost of every kind of state.

History events are counted at their worst: every Retry attempt of every task used. A Glue
``.sync`` task that succeeds at once writes 6 events (TaskStateEntered, TaskScheduled,
TaskStarted, TaskSubmitted, TaskSucceeded, TaskStateExited); each retried attempt adds at most
4 (TaskScheduled, TaskStarted, TaskSubmitted, TaskFailed); the catch state 2 more.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFINITION_MAX_BYTES = 1_048_576  # Step Functions: maximum definition size
HISTORY_MAX_EVENTS = 25_000  # standard workflows: execution history events per execution
PAYLOAD_MAX_BYTES = 262_144  # input/output of a state or an execution
MAX_PARALLEL_NESTING = 30  # keeps every definition's JSON nesting under ~130 levels
GLUE_JOBS_QUOTA = 1_000  # AWS Glue "Max jobs per account" default (adjustable in Service Quotas)
IAM_ROLES_QUOTA = 1_000  # IAM "Roles per account" default (adjustable)

# Splitting targets: events exact (worst case), bytes and payload estimated, so keep a margin.
DEFINITION_TARGET_BYTES = int(DEFINITION_MAX_BYTES * 0.9)
PAYLOAD_TARGET_BYTES = int(PAYLOAD_MAX_BYTES * 0.75)

TASK_EVENTS = 6
RETRY_ATTEMPT_EVENTS = 4
CATCH_EVENTS = 2
PARALLEL_EVENTS = 4  # ParallelStateEntered, ParallelStateStarted, ParallelStateSucceeded, ParallelStateExited
MACHINE_EVENTS = 4  # ExecutionStarted, ExecutionSucceeded, the Start pass state (2)
INDENT_PER_PARALLEL = 8  # a state inside a Parallel branch sits 4 JSON levels (8 spaces) deeper
PARALLEL_BYTES, PARALLEL_LINES = 260, 14
MACHINE_BYTES = 600
RUN_RECORD_BYTES = 110  # {"JobName", "JobRunId": "jr_<64 hex>", "JobRunState"} without the names
EXPECTED_FAILURE_RECORD_BYTES = 8_192  # Error + Cause (Glue's job run JSON)
CHILD_RECORD_BYTES = 300  # {"ExecutionArn", "Status"}


def task_events(retry_attempts: int) -> int:
    return TASK_EVENTS + RETRY_ATTEMPT_EVENTS * retry_attempts + CATCH_EVENTS


@dataclass(frozen=True)
class Cost:
    """What a block costs inside one machine: worst-case events, definition bytes when placed at
    the machine's top level, its lines (each nesting level indents them), output payload bytes and
    Parallel nesting height."""

    events: int = 0
    bytes: int = 0
    lines: int = 0
    payload: int = 0
    height: int = 0

    def fits(self) -> bool:
        return (
            self.events + MACHINE_EVENTS <= HISTORY_MAX_EVENTS
            and self.bytes + MACHINE_BYTES <= DEFINITION_TARGET_BYTES
            and self.payload <= PAYLOAD_TARGET_BYTES
            and self.height <= MAX_PARALLEL_NESTING
        )

    def big(self) -> bool:
        """Worth a machine of its own when its parent does not fit."""
        return (
            self.events * 2 > HISTORY_MAX_EVENTS
            or self.bytes * 2 > DEFINITION_TARGET_BYTES
            or self.payload * 2 > PAYLOAD_TARGET_BYTES
            or self.height >= MAX_PARALLEL_NESTING
        )


def series_cost(parts: list[Cost]) -> Cost:
    return Cost(
        sum(p.events for p in parts),
        sum(p.bytes for p in parts),
        sum(p.lines for p in parts),
        sum(p.payload for p in parts),
        max((p.height for p in parts), default=0),
    )


def parallel_cost(branches: list[Cost], key_bytes: int = 16) -> Cost:
    return Cost(
        PARALLEL_EVENTS + sum(b.events for b in branches),
        PARALLEL_BYTES + sum(b.bytes + b.lines * INDENT_PER_PARALLEL for b in branches),
        PARALLEL_LINES + sum(b.lines for b in branches),
        key_bytes + 40 + sum(b.payload + 30 for b in branches),
        1 + max((b.height for b in branches), default=0),
    )


@dataclass(frozen=True)
class MachineBudget:
    name: str
    glue_jobs: int  # started directly by this machine
    children: int  # child machines started directly
    history_events: int  # worst case, every retry used
    definition_bytes: int  # as written (the deployed definition differs only by ARN prefixes)
    nesting: int

    def render(self) -> str:
        return (
            f"{self.name}: {self.glue_jobs} Glue job(s), {self.children} child machine(s), "
            f"history ≤ {self.history_events:,} of {HISTORY_MAX_EVENTS:,} events, "
            f"definition {self.definition_bytes:,} of {DEFINITION_MAX_BYTES:,} bytes"
        )
