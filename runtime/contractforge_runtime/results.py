"""What a run ends with: the run statuses, the RunResult value and the quality abort error.

Shared by the batch and the stream runs (``run/``) and by whoever calls ``run.run_plan``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SUCCESS, SKIPPED, FAILED = "SUCCESS", "SKIPPED", "FAILED"


class QualityAbort(ValueError):
    """An abort-severity rule (or a quarantine rule under on_quality_fail: fail) failed."""


@dataclass
class RunResult:
    run_id: str
    target_table: str
    status: str = FAILED
    quality_status: str = "NOT_CONFIGURED"
    skip_reason: str | None = None
    rows_read: int | None = None
    rows_written: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_deleted: int = 0
    rows_quarantined: int = 0
    write_committed: bool = False
    table_version_before: str | None = None
    table_version_after: str | None = None
    duration_seconds: float = 0.0
    stage_durations: dict[str, float] = field(default_factory=dict)
    operation_metrics: dict[str, Any] = field(default_factory=dict)
    error: BaseException | None = None
    error_stage: str | None = None

    @property
    def error_message(self) -> str | None:
        return None if self.error is None else str(self.error)
