"""What the compiled root is rendered from (``RootInputs``: one ``StepDeployment`` per Glue job) and the
helpers every part of ``main.tf.json`` shares: the placeholder tokens of literals, job role ARNs and
the project's lock table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from contractforge.project_plan import ProjectPlan, StepPlan
from contractforge.render.iam import ACCOUNT_TOKEN
from contractforge.render.schedule import ScheduleDefinition
from contractforge.render.terraform_orchestration import MachineFile
from contractforge.render.tf_json import escape, quoted_key, ref, resolve_tokens

ARTIFACT_BUCKET_TOKEN = "${artifact_bucket}"
REGION_TOKEN = "${region}"
TOKENS = {
    ACCOUNT_TOKEN: "data.aws_caller_identity.current.account_id",
    ARTIFACT_BUCKET_TOKEN: "var.artifact_bucket",
    REGION_TOKEN: "var.region",
}


@dataclass(frozen=True)
class StepDeployment:
    step: StepPlan
    plan_uri: str
    policy_path: str  # build-tree path of the job's policy template (iam.policy_template)
    role_name: str | None  # None when the environment brings the role (step.glue.role_arn)
    kind: str = "step"  # "pack": several steps in one job (render/packs.py)
    members: tuple[StepPlan, ...] = ()  # a pack's steps; empty for a step (its own run plan)

    def run_plans(self) -> list[dict[str, Any]]:
        """The run plans this job runs: the step's, or each step's of the pack."""
        return [s.run_plan or {} for s in self.members or (self.step,)]


@dataclass(frozen=True)
class RootInputs:
    plan: ProjectPlan
    artifact_bucket: str  # literal bucket or ARTIFACT_BUCKET_TOKEN
    artifact_prefix: str
    uploads: dict[str, tuple[str, str]]  # S3 key (relative to prefix) → (build-tree path, content type)
    runner_uri: str
    runtime_zip_uri: str
    steps: tuple[StepDeployment, ...]
    state_machine_path: str  # build-tree path of the ASL definition (deployed as reviewed)
    schedule: ScheduleDefinition | None
    module_source: Callable[[str], str]  # module name → source (vendored path or pinned git URL)
    lake_formation: bool
    step_functions_type: str
    region: str  # literal or REGION_TOKEN
    state_machines: tuple[MachineFile, ...] = ()  # root first; empty = one machine at state_machine_path
    partition: str = "aws"

    @cached_property
    def run_plan_facts(self) -> RunPlanFacts:
        """What the root reads from the run plans, gathered in one pass (each run plan is unpacked once
        here instead of once per part of the root)."""
        return RunPlanFacts.gather(self.steps)


@dataclass
class RunPlanFacts:
    warehouses: dict[str, str | None] = field(default_factory=dict)  # job (step or pack) → target warehouse
    lock_tables: set[str] = field(default_factory=set)
    # target and evidence databases, the first run plan naming one wins: name → (layer, location); the
    # layer is None for an evidence database
    databases: dict[str, tuple[str | None, str]] = field(default_factory=dict)

    @classmethod
    def gather(cls, steps: tuple[StepDeployment, ...]) -> RunPlanFacts:
        facts = cls()
        for deployment in steps:
            for run_plan in deployment.run_plans():
                facts._add(run_plan)
            own = deployment.step.run_plan or {}  # a step: the plan just read (kept), a pack: its own
            facts.warehouses[deployment.step.name] = (own.get("target") or {}).get("warehouse")
        return facts

    def _add(self, run_plan: dict[str, Any]) -> None:
        lock_table = (run_plan.get("run") or {}).get("lock_table")
        if lock_table is not None:
            self.lock_tables.add(lock_table)
        target, evidence = run_plan.get("target") or {}, run_plan.get("evidence") or {}
        if target.get("database"):
            self.databases.setdefault(
                target["database"], (target.get("layer") or "target", target["location"])
            )
        if evidence.get("database"):
            self.databases.setdefault(evidence["database"], (None, evidence["location"]))


def value(text: str) -> str:
    """A literal string that may hold tokens (bucket/region/account placeholders)."""
    return resolve_tokens(escape(text), TOKENS)


def role_arn(step: StepDeployment) -> str:
    if step.role_name is None:
        return escape(step.step.glue.role_arn or "")
    return ref(f"module.glue_roles[{quoted_key(step.step.name)}].role_arn")


def lock_tables(inputs: RootInputs) -> list[str]:
    """The lock table the run plans name (one per project: ``naming.lock_table_name``)."""
    tables = sorted(inputs.run_plan_facts.lock_tables)
    if len(tables) > 1:
        raise ValueError(f"the run plans of one project name several lock tables: {tables}")
    return tables
