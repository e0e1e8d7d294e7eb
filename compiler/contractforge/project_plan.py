"""The frozen project plan: what the planner hands to every renderer, the local runner and ops.

Pipeline (SQLMesh-style): ``load → validate → plan`` produces a ``ProjectPlan``; renderers are
pure functions of it; one writer performs file side effects. The run plans inside are the
only thing the runtime ever sees (see docs/run-plan.md).
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUPPORTED = "SUPPORTED"
SUPPORTED_WITH_WARNINGS = "SUPPORTED_WITH_WARNINGS"
REVIEW_REQUIRED = "REVIEW_REQUIRED"
UNSUPPORTED = "UNSUPPORTED"
RUNNABLE_STATUSES = (SUPPORTED, SUPPORTED_WITH_WARNINGS)


@dataclass(frozen=True)
class Diagnostic:
    code: str  # e.g. MERGE_KEYS_REQUIRED, AWS_HASH_DIFF_PERFORMANCE_UNVALIDATED
    severity: str  # "blocker" | "review" | "warning" | "info"
    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None


@dataclass(frozen=True)
class GlueJobSettings:
    """Resolved Glue job settings for one step (environment + project defaults + extensions.aws)."""

    name: str  # readable, unique, <= 255 chars, no doubled prefix
    glue_version: str = "5.0"
    worker_type: str = "G.1X"
    number_of_workers: int = 2
    timeout_minutes: int = 60
    max_retries: int = 0
    execution_class: str = "STANDARD"
    max_concurrent_runs: int = 1
    job_bookmarks: bool = False
    connections: tuple[str, ...] = ()
    security_configuration: str | None = None
    role_arn: str | None = None  # when the environment brings its own role
    extra_jars: tuple[str, ...] = ()
    extra_py_files: tuple[str, ...] = ()
    additional_python_modules: tuple[str, ...] = ()
    extra_arguments: tuple[tuple[str, str], ...] = ()  # sorted (key, value) pairs
    tags: tuple[tuple[str, str], ...] = ()
    spark_conf: tuple[tuple[str, str], ...] = ()  # sorted glue_job.spark_conf pairs (chained into --conf)


_UNSET: Any = object()
_LAST_RUN_PLAN: list[tuple[Any, Any]] = [(None, None)]  # [(packed bytes, its run plan)], swapped whole


@dataclass(frozen=True, init=False)
class StepPlan:
    name: str  # execution_order[].name
    layer: str
    depends_on: tuple[str, ...]
    expected_result: str  # "success" | "failed"
    status: str  # one of the four statuses above
    diagnostics: tuple[Diagnostic, ...]
    contract_path: str  # ingestion file, relative to the project root (posix)
    target_identifier: str  # glue_catalog.<db>.<table>
    target_database: str
    glue: GlueJobSettings
    # ``run_plan`` (None when the step is not runnable), pickled: a run plan as dicts weighs three times
    # its pickle, and a compile holds every step's until the root is written (5,000 steps: ~35 MB)
    packed_run_plan: bytes | None = field(repr=False)
    decisions: tuple[dict[str, Any], ...] = ()  # defaults-resolver decision ledger
    mode: str = (
        ""  # canonical write mode (scd0_append …, scd2_historical, custom:<x>), also when not runnable
    )
    # the resolved contract mapping (sections merged), pickled like the run plan (``normalized_contract``)
    packed_normalized_contract: bytes | None = field(default=None, repr=False)

    def __init__(  # noqa: PLR0913 - the fields, plus the two mappings they pack
        self,
        name: str,
        layer: str,
        depends_on: tuple[str, ...],
        expected_result: str,
        status: str,
        diagnostics: tuple[Diagnostic, ...],
        contract_path: str,
        target_identifier: str,
        target_database: str,
        glue: GlueJobSettings,
        run_plan: dict[str, Any] | None = _UNSET,
        decisions: tuple[dict[str, Any], ...] = (),
        mode: str = "",
        normalized_contract: dict[str, Any] | None = _UNSET,
        *,
        packed_run_plan: bytes | None = None,
        packed_normalized_contract: bytes | None = None,
    ) -> None:
        """``run_plan`` / ``normalized_contract`` as mappings (``dataclasses.replace`` passes the packed
        fields; a mapping given beside them wins)."""
        values = dict(locals())
        del values["self"], values["run_plan"], values["normalized_contract"]
        if run_plan is not _UNSET:
            values["packed_run_plan"] = _pack(run_plan)
        if normalized_contract is not _UNSET:
            values["packed_normalized_contract"] = _pack(normalized_contract)
        for name_, value in values.items():
            object.__setattr__(self, name_, value)

    @property
    def run_plan(self) -> dict[str, Any] | None:
        """The run plan. Renderers read one step's several times in a row: the last one unpacked is
        kept (the same dict each time, as when it was held)."""
        packed = self.packed_run_plan
        if packed is None:
            return None
        held, plan = _LAST_RUN_PLAN[0]  # one tuple read: a reader never pairs bytes with another plan
        if held is not packed:
            plan = pickle.loads(packed)  # noqa: S301 - our own bytes
            _LAST_RUN_PLAN[0] = (packed, plan)
        return plan

    @property
    def normalized_contract(self) -> dict[str, Any] | None:
        return _unpack(self.packed_normalized_contract)

    @property
    def runnable(self) -> bool:
        return self.status in RUNNABLE_STATUSES and self.packed_run_plan is not None


def _pack(value: dict[str, Any] | None) -> bytes | None:
    return None if value is None else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _unpack(packed: bytes | None) -> dict[str, Any] | None:
    return None if packed is None else pickle.loads(packed)  # noqa: S301 - our own bytes, never read from disk


@dataclass(frozen=True)
class ScheduleSettings:
    cron: str  # standard 5-field cron as written
    timezone: str  # IANA name
    enabled: bool
    flexible_window_minutes: int | None = None  # None = OFF
    name: str = ""


@dataclass(frozen=True)
class ProjectPlan:
    name: str
    root: Path
    environment_key: str  # "aws"
    region: str
    artifacts_uri: str  # s3://bucket/prefix/ (trailing slash)
    warehouse: str  # default Iceberg warehouse s3://…/
    evidence_database: str
    steps: tuple[StepPlan, ...]
    schedule: ScheduleSettings | None = None
    state_machine_name: str = ""
    tags: tuple[tuple[str, str], ...] = ()
    environment: dict[str, Any] = field(default_factory=dict)  # the resolved environment mapping
    diagnostics: tuple[Diagnostic, ...] = ()  # project-level (refs to unknown tables, …)
    # project.yaml cleanup.external_resources: things the project relies on but does not create
    external_resources: tuple[dict[str, Any], ...] = ()

    @property
    def evidence_table_prefix(self) -> str | None:
        """``evidence.table_prefix``: the evidence tables are <prefix><suffix> (None: ctrl_ingestion_*)."""
        return (self.environment.get("evidence") or {}).get("table_prefix")

    def step(self, name: str) -> StepPlan:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)

    @property
    def has_blockers(self) -> bool:
        return any(not s.runnable for s in self.steps)
