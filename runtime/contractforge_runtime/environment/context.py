"""RunContext: who is running a plan, where, and with which hooks (Glue or local)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from contractforge_runtime.environment.paths import IDENTITY, PathResolver
from contractforge_runtime.plan_view import StaticIdsView

AWS_GLUE = "aws_glue"
LOCAL = "local"


@dataclass
class GlueHooks:
    """What only exists inside Glue: the GlueContext (job bookmarks) and the awsglue Job."""

    glue_context: Any = None
    job: Any = None


@dataclass
class RunContext:
    run_id: str
    job_name: str
    runtime_type: str = LOCAL  # "aws_glue" | "local"
    job_run_id: str | None = None
    parent_run_id: str | None = None
    run_group_id: str | None = None
    master_job_id: str | None = None
    master_run_id: str | None = None
    runtime_entrypoint: str = "contractforge_runtime.runner"
    run_key: str | None = None  # per-run idempotency key (business date, upstream batch id)
    paths: PathResolver = IDENTITY
    secrets: Any = None  # contractforge_runtime.environment.secrets.SecretResolver; created on demand
    glue: GlueHooks | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def local(cls, job_name: str, s3_root: str | None = None, **ids: Any) -> RunContext:
        """A local run: unique run id, s3:// mapped under ``s3_root``."""
        return cls(
            run_id=f"local:{job_name}:{uuid.uuid4().hex[:16]}",
            job_name=job_name,
            runtime_type=LOCAL,
            runtime_entrypoint="contractforge run --local",
            paths=PathResolver(s3_root) if s3_root is not None else IDENTITY,
            **ids,
        )

    @property
    def is_glue(self) -> bool:
        return self.runtime_type == AWS_GLUE

    def secret_resolver(self):
        if self.secrets is None:
            from contractforge_runtime.environment.secrets import SecretResolver

            self.secrets = SecretResolver.for_runtime(self.runtime_type)
        return self.secrets

    def static_ids(self, plan_ids: StaticIdsView | None = None) -> dict[str, Any]:
        """parent/run-group/master ids: job arguments win over the plan's static ids."""
        names = ("parent_run_id", "run_group_id", "master_job_id", "master_run_id")
        return {name: getattr(self, name) or getattr(plan_ids, name, None) for name in names}
