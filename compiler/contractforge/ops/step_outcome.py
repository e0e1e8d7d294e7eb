"""One step's outcome in a project run (direct or orchestrated), and the run's summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contractforge.ops.glue_runs import UNEXPECTED_RESULTS, contractforge_run_id


@dataclass
class StepOutcome:
    step: str
    job_name: str
    expected_result: str
    depends_on: tuple[str, ...] = ()
    glue_run_id: str | None = None
    state: str = "PENDING"  # Glue JobRunState, or PENDING / WAITING_TO_START before a run exists
    result: str | None = None  # see glue_runs: SUCCESS, FAILED, EXPECTED_FAILURE, ...
    started_at: float | None = None  # clock() when the run was started (or first seen)
    finished_at: float | None = None
    message: str | None = None
    job_run: dict[str, Any] | None = field(default=None, repr=False)  # last GetJobRun answer
    pack: str | None = None  # the pack whose job ran this step (packed layouts, ops/packed_runs.py)

    @property
    def run_id(self) -> str | None:
        if not self.glue_run_id:
            return None
        run_id = contractforge_run_id(self.job_name, self.glue_run_id)
        return f"{run_id}:{self.step}" if self.pack else run_id  # a step's own run id inside a pack

    @property
    def done(self) -> bool:
        return self.result is not None

    def elapsed(self, now: float) -> float | None:
        if self.started_at is None:
            return self._glue_duration()
        return (self.finished_at if self.finished_at is not None else now) - self.started_at

    def _glue_duration(self) -> float | None:
        """Runs we did not start ourselves (orchestrated): CompletedOn - StartedOn from Glue."""
        run = self.job_run or {}
        started, completed = run.get("StartedOn"), run.get("CompletedOn")
        if hasattr(started, "timestamp") and hasattr(completed, "timestamp"):
            return max(0.0, completed.timestamp() - started.timestamp())
        return None

    def as_dict(self, now: float) -> dict[str, Any]:
        elapsed = self.elapsed(now)
        return {
            "step": self.step,
            "job_name": self.job_name,
            "expected_result": self.expected_result,
            "glue_run_id": self.glue_run_id,
            "run_id": self.run_id,
            "state": self.state,
            "result": self.result,
            "elapsed_seconds": None if elapsed is None else round(elapsed, 1),
            "message": self.message,
            **({"pack": self.pack} if self.pack else {}),
        }


@dataclass
class RunSummary:
    mode: str  # "direct" | "orchestrated"
    project: str
    outcomes: list[StepOutcome]
    waited: bool
    execution_arn: str | None = None
    execution_status: str | None = None
    cost: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unexpected(self) -> list[StepOutcome]:
        return [o for o in self.outcomes if o.result in UNEXPECTED_RESULTS]

    @property
    def exit_code(self) -> int:
        return 1 if self.unexpected else 0

    def as_dict(self, now: float) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "project": self.project,
            "mode": self.mode,
            "waited": self.waited,
            "status": "FAILED" if self.unexpected else "OK",
            "steps": [o.as_dict(now) for o in self.outcomes],
        }
        if self.execution_arn:
            payload["execution_arn"] = self.execution_arn
            payload["execution_status"] = self.execution_status
        if self.cost:
            payload["cost"] = self.cost
        return payload

    def table(self, now: float) -> str:
        """A plain-text summary table, one row per step."""
        header = ("STEP", "RESULT", "STATE", "ELAPSED", "GLUE RUN", "MESSAGE")
        rows = []
        for o in self.outcomes:
            elapsed = o.elapsed(now)
            rows.append(
                (
                    o.step,
                    o.result or "-",
                    o.state,
                    "-" if elapsed is None else f"{elapsed:.0f}s",
                    o.glue_run_id or "-",
                    (o.message or "").splitlines()[0][:80] if o.message else "",
                )
            )
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        lines = [
            "  ".join(str(value).ljust(width) for value, width in zip(r, widths, strict=True)).rstrip()
            for r in [header, *rows]
        ]
        verdict = (
            f"{len(self.unexpected)} unexpected result(s)" if self.unexpected else "all steps as expected"
        )
        if self.execution_arn:
            lines.append(f"execution {self.execution_arn}: {self.execution_status}")
        lines.append(verdict)
        return "\n".join(lines)
