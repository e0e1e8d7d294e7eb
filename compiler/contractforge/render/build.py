"""Assemble every renderer into one in-memory build tree (relative posix path → bytes).

Pure: inputs are the frozen ProjectPlan, the vendored module files and the runtime package
files (both loaded by the caller); the writer decides what to do with the tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import contractforge.render.ddl as ddl
import contractforge.render.dqdl as dqdl
import contractforge.render.iam as iam
import contractforge.render.layout as layout
import contractforge.render.packs as packs
import contractforge.render.performance as performance
import contractforge.render.runtime_package as runtime_package
import contractforge.render.step_functions as step_functions
from contractforge import naming
from contractforge.planner.packing import pack_layout
from contractforge.planner.project import lake_formation_enabled
from contractforge.project_plan import ProjectPlan, StepPlan
from contractforge.render.build_warnings import budget_warnings, quota_warnings
from contractforge.render.canonical import (
    canonical_json_bytes,
    canonical_json_chunks,
    compact_json,
    sha256_hex,
    text_bytes,
)
from contractforge.render.endpoints import endpoints_override
from contractforge.render.manifest import FileFacts, FileFactsBuilder, describe_file, render_manifest
from contractforge.render.module_source import MODULES_DIR, VENDORED, module_source, used_modules
from contractforge.render.root_inputs import (
    ARTIFACT_BUCKET_TOKEN,
    REGION_TOKEN,
    RootInputs,
    StepDeployment,
)
from contractforge.render.schedule import render_schedule
from contractforge.render.terraform_orchestration import MachineFile, fits_exact_arns, job_pattern_prefix
from contractforge.render.terraform_root import render_main_tf_json

MAIN_FILE = "main.tf.json"
ENDPOINTS_FILE = "endpoints_override.tf.json"
MANIFEST_PATH = "artifacts/manifest.json"
MANIFEST_KEY = "manifest.json"
POLICY_FILE = "iam_policy.json"  # a templatefile() template: ${account_id}/${region}/${artifact_bucket}
STATE_MACHINE_DIR = "artifacts/orchestration"
STATE_MACHINE_PATH = f"{STATE_MACHINE_DIR}/state_machine.asl.json"
ROLE_NAME_MAX = 64
_NOT_ROLE_CHAR = re.compile(r"[^A-Za-z0-9+=,.@_-]+")
CONTENT_TYPES = {
    ".json": "application/json",
    ".py": "text/x-python",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".zip": "application/zip",
}


@dataclass(frozen=True)
class CompileOptions:
    module_source: str = VENDORED  # "vendored" or "git::https://host/repo.git?ref=vX"
    endpoint_url: str | None = None
    # artifacts.include_contract_bundle: (step, file name, bytes) of each step's section files, given by
    # the caller (rendering opens no file; api reads them lazily, one at a time); under original/<step>/
    contract_files: Iterable[tuple[str, str, bytes]] = ()


# a file's bytes, or (the biggest documents) its pieces in order: the sink reads them as they are encoded
FileSink = Callable[[str, bytes | Iterator[bytes]], None]


@dataclass(frozen=True)
class BuildTree:
    files: dict[str, bytes]  # empty when the files went to a sink
    warnings: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())  # informational (the Step Functions budget used)
    described: dict[str, FileFacts] = field(default_factory=dict, repr=False)  # every file, sink or not


def render_build(
    plan: ProjectPlan,
    options: CompileOptions,
    module_files: dict[str, dict[str, bytes]],
    runtime_files: dict[str, bytes],
    sink: FileSink | None = None,
) -> BuildTree:
    """The whole compiled root. ``module_files``: module name → (relative path → bytes). With ``sink``
    (the writer), each file is handed over as soon as it is rendered instead of being kept in
    ``files``: a project of thousands of steps is never held in memory whole."""
    blocked = [s for s in plan.steps if not s.runnable]
    if blocked:
        raise ValueError("render_build needs a plan without blockers: " + ", ".join(s.name for s in blocked))
    # bad input is refused before the first file is handed over (the sink may be writing them)
    source_of = module_source(options.module_source)
    schedule = (
        render_schedule(plan.schedule, (plan.root / "project.yaml").as_posix()) if plan.schedule else None
    )
    packing = pack_layout(plan)
    build = _Build(artifacts=_artifact_location(plan), region=plan.region or REGION_TOKEN, sink=sink)
    _add_runtime(build, runtime_files)
    deployments = _add_steps(build, plan, keep_policies=packing.packed)
    if packing.packed:  # one job (and role, and state) per pack instead of per step
        deployments = packs.add_packs(
            build,
            packing,
            deployments,
            build.policies,
            lambda uri: iam.object_arn(_policy_context(plan, build), uri),
            _role_name,
        )
    _add_project_artifacts(build, plan, tuple(d.step for d in deployments))
    _add_contract_artifacts(build, plan, options)
    build.uploads[MANIFEST_KEY] = (MANIFEST_PATH, CONTENT_TYPES[".json"])  # rendered last, uploaded too
    main = render_main_tf_json(
        RootInputs(
            plan=plan,
            artifact_bucket=build.artifacts.bucket,
            artifact_prefix=build.artifacts.prefix,
            uploads=dict(build.uploads),
            runner_uri=build.artifacts.object_uri(build.runner_key),
            runtime_zip_uri=build.artifacts.object_uri(build.zip_key),
            steps=tuple(deployments),
            state_machine_path=STATE_MACHINE_PATH,
            schedule=schedule,
            module_source=source_of,
            lake_formation=_lake_formation_requested(plan),
            step_functions_type=_step_functions_type(plan),
            region=build.region,
            state_machines=build.state_machines,
            partition=_partition(plan.region),
        )
    )
    build.add_chunks(MAIN_FILE, canonical_json_chunks(main))
    if options.module_source == VENDORED:
        _add_vendored_modules(build, main, module_files)
    del main  # the biggest document: not held while the manifest is rendered
    _add_manifest(build, plan)
    if options.endpoint_url:
        build.add(ENDPOINTS_FILE, canonical_json_bytes(endpoints_override(options.endpoint_url)))
    warnings, described = tuple(sorted(set(build.warnings))), dict(sorted(build.described.items()))
    return BuildTree(dict(sorted(build.files.items())), warnings, tuple(build.notes), described)


@dataclass
class _Build:
    """The tree being assembled, plus what later stages need from earlier ones."""

    artifacts: layout.ArtifactLocation
    region: str
    sink: FileSink | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # without a sink
    described: dict[str, FileFacts] = field(default_factory=dict)
    uploads: dict[str, tuple[str, str]] = field(default_factory=dict)  # S3 key → (tree path, type)
    warnings: list[str] = field(default_factory=list)
    manifest_steps: list[dict[str, Any]] = field(default_factory=list)
    policy_sizes: dict[str, int] = field(default_factory=dict)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)  # step → its job policy
    runner_key: str = ""
    zip_key: str = ""
    notes: list[str] = field(default_factory=list)
    state_machines: tuple[MachineFile, ...] = ()

    def add(self, path: str, content: bytes, s3_key: str | None = None) -> None:
        self.described[path] = describe_file(content)
        if self.sink is None:
            self.files[path] = content
        else:
            self.sink(path, content)
        if s3_key is not None:
            self.uploads[s3_key] = (path, CONTENT_TYPES[path[path.rindex(".") :]])

    def add_chunks(self, path: str, chunks: Iterable[bytes]) -> None:
        """A big document handed over in pieces (never held whole when there is a sink)."""
        if self.sink is None:
            self.add(path, b"".join(chunks))
            return
        facts = FileFactsBuilder()
        pieces = facts.through(chunks)
        self.sink(path, pieces)
        for _ in pieces:  # a sink that did not read every piece (e.g. --check of a missing file)
            pass
        self.described[path] = facts.facts()


def _add_runtime(build: _Build, runtime_files: dict[str, bytes]) -> None:
    """Runner script and runtime zip, under content-addressed S3 keys."""
    runner = text_bytes(runtime_package.RUNNER_SCRIPT)
    zip_name = runtime_package.runtime_zip_name(_runtime_version(runtime_files))
    zip_content = runtime_package.zip_bytes(runtime_files)
    build.runner_key = layout.runner_key(sha256_hex(runner))
    build.zip_key = layout.runtime_zip_key(zip_name, sha256_hex(zip_content))
    build.add(f"artifacts/runner/{layout.RUNNER_FILE}", runner, build.runner_key)
    build.add(f"artifacts/runtime/{zip_name}", zip_content, build.zip_key)


def _add_steps(build: _Build, plan: ProjectPlan, keep_policies: bool) -> list[StepDeployment]:
    """Per step: the run plan (uploaded) and the review artifacts, IAM policy first."""
    context = _policy_context(plan, build)
    role_names = _role_names(plan)
    tables = iam.project_tables(plan)
    deployments = []
    for step in plan.steps:
        stem = layout.step_file_stem(step.name)
        plan_key = layout.ArtifactKeys.plan_key(step.name)
        build.add(f"artifacts/{plan_key}", canonical_json_bytes(step.run_plan), plan_key)
        objects = iam.JobObjects(
            plan_uri=build.artifacts.object_uri(plan_key),
            script_uri=build.artifacts.object_uri(build.runner_key),
            runtime_zip_uri=build.artifacts.object_uri(build.zip_key),
        )
        policy = iam.render_job_policy(plan, step, objects, context, tables)
        if keep_policies:  # a pack's policy is the union of its steps' (thousands of dicts otherwise)
            build.policies[step.name] = policy
        review = _review_artifacts(step, policy)
        for name, content in review.items():
            build.add(f"artifacts/review/{stem}/{name}", content)
        build.policy_sizes[step.name] = len(compact_json(policy))
        policy_path = f"artifacts/review/{stem}/{POLICY_FILE}"
        deployments.append(StepDeployment(step, objects.plan_uri, policy_path, role_names.get(step.name)))
        build.manifest_steps.append(
            {
                "name": step.name,
                "job_name": step.glue.name,
                "status": step.status,
                "expected_result": step.expected_result,
                "depends_on": list(step.depends_on),
                "plan": f"artifacts/{plan_key}",
                "plan_s3_key": plan_key,
                "review": sorted(f"artifacts/review/{stem}/{name}" for name in review),
                "role": "created" if step.name in role_names else "environment",
            }
        )
    return deployments


def _policy_context(plan: ProjectPlan, build: _Build) -> iam.PolicyContext:
    return iam.PolicyContext(
        partition=_partition(plan.region), region=build.region, lake_formation=_lake_formation_requested(plan)
    )


def _add_project_artifacts(build: _Build, plan: ProjectPlan, units: tuple[StepPlan, ...]) -> None:
    """State machine definition (one unit per Glue job: a step, or a pack) and evidence DDL (one
    evidence database per project)."""
    orchestration = step_functions.render_state_machines(
        plan.name, plan.state_machine_name, step_functions.units_from_steps(units), keep_definitions=False
    )
    build.warnings += [
        f"step {after!r} waits for {before!r} although it does not depend on it "
        "(the depends_on DAG is not series-parallel)"
        for before, after in orchestration.added_orderings
    ]
    if orchestration.added_count > len(orchestration.added_orderings):
        build.warnings.append(
            f"{orchestration.added_count - len(orchestration.added_orderings)} more such added orderings "
            "(listed in the state machine's Comment)"
        )
    files = []
    steps_of_job = {unit.glue.name: unit.name for unit in units}
    for index, machine in enumerate(orchestration.machines):
        path = STATE_MACHINE_PATH if index == 0 else f"{STATE_MACHINE_DIR}/{machine.name}.asl.json"
        build.add(path, text_bytes(machine.text))
        steps = tuple(steps_of_job[job] for job in machine.glue_jobs)
        files.append(MachineFile(machine.name, path, steps, machine.glue_jobs, machine.children))
        if not fits_exact_arns(machine.glue_jobs) and job_pattern_prefix(machine.glue_jobs) is None:
            build.warnings.append(
                f"state machine {machine.name} starts {len(machine.glue_jobs)} Glue jobs without a common "
                "name prefix: its policy lists every job ARN and may exceed IAM's 10,240-character limit"
            )
    if len(orchestration.machines) > 1:
        build.state_machines = tuple(files)
    build.notes += orchestration.budget_lines()
    build.warnings += quota_warnings(plan, len(orchestration.machines))
    database, prefix = plan.evidence_database, plan.evidence_table_prefix
    build.add("artifacts/ddl/evidence.spark.sql", text_bytes(ddl.evidence_spark_ddl(database, prefix)))
    location = _evidence_location(plan)
    build.add(
        "artifacts/ddl/evidence.athena.sql", text_bytes(ddl.evidence_athena_ddl(database, location, prefix))
    )


def _add_contract_artifacts(build: _Build, plan: ProjectPlan, options: CompileOptions) -> None:
    """``artifacts.include_contract_bundle`` / ``include_normalized_contract`` (ref: published next to
    the run plans so the deployed contract can be read back from S3)."""
    artifacts = (plan.environment or {}).get("artifacts") or {}
    if artifacts.get("include_contract_bundle"):
        for step, name, content in options.contract_files:
            key = f"original/{layout.step_file_stem(step)}/{name}"
            build.add(f"artifacts/{key}", content, key)
    if artifacts.get("include_normalized_contract"):
        for step in plan.steps:
            key = f"normalized/{layout.step_file_stem(step.name)}.contract.json"
            build.add(f"artifacts/{key}", canonical_json_bytes(step.normalized_contract or {}), key)


def _add_vendored_modules(
    build: _Build, main: dict[str, Any], module_files: dict[str, dict[str, bytes]]
) -> None:
    for name in sorted(used_modules(main)):
        if name not in module_files:
            raise ValueError(f"terraform module {name!r} is missing from terraform/modules")
        for path, content in module_files[name].items():
            build.add(f"{MODULES_DIR}/{name}/{path}", content)


def _add_manifest(build: _Build, plan: ProjectPlan) -> None:
    """Last: lists every other file except the vendored modules; uploaded with the runtime objects."""
    build.warnings += budget_warnings(build.described, build.policy_sizes)
    listed = {
        path: facts for path, facts in build.described.items() if not path.startswith(f"{MODULES_DIR}/")
    }
    upload_paths = {path: key for key, (path, _) in build.uploads.items()}
    manifest = render_manifest(
        plan, listed, upload_paths, build.manifest_steps, build.policy_sizes, build.warnings
    )
    build.add_chunks(MANIFEST_PATH, canonical_json_chunks(manifest))


def _review_artifacts(step: StepPlan, policy: dict[str, Any]) -> dict[str, bytes]:
    run_plan = step.run_plan or {}
    review = {
        POLICY_FILE: text_bytes(iam.policy_template(policy)),
        "target.spark.sql": text_bytes(ddl.target_spark_ddl(run_plan)),
        "target.athena.sql": text_bytes(ddl.target_athena_ddl(run_plan)),
    }
    rules = dqdl.render_dqdl(run_plan)
    if rules:
        review["quality.dqdl"] = text_bytes(rules)
    if performance.is_hash_diff(run_plan):
        profile = performance.render_performance_profile(run_plan, step.glue)
        review["performance_profile.json"] = canonical_json_bytes(profile)
        review["performance.sql"] = text_bytes(performance.render_performance_sql(run_plan))
    return review


def _artifact_location(plan: ProjectPlan) -> layout.ArtifactLocation:
    if plan.artifacts_uri:
        return layout.ArtifactLocation.from_uri(plan.artifacts_uri)
    return layout.ArtifactLocation(
        ARTIFACT_BUCKET_TOKEN, f"contractforge/{layout.step_file_stem(plan.name)}/"
    )


def _evidence_location(plan: ProjectPlan) -> str:
    for step in plan.steps:
        evidence = (step.run_plan or {}).get("evidence") or {}
        if evidence.get("database") == plan.evidence_database and evidence.get("location"):
            return evidence["location"]
    return naming.namespace_location(plan.warehouse, plan.evidence_database)


def _role_names(plan: ProjectPlan) -> dict[str, str]:
    """Role name per step without an environment role: the job name in IAM's alphabet, <= 64 chars."""
    return {step.name: _role_name(step.glue.name) for step in plan.steps if not step.glue.role_arn}


def _role_name(job_name: str) -> str:
    return naming.fit(_NOT_ROLE_CHAR.sub("-", job_name), ROLE_NAME_MAX)


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _aws_parameters(plan: ProjectPlan) -> dict[str, Any]:
    parameters = (plan.environment or {}).get("parameters") or {}
    return parameters.get("aws") or {}


def _lake_formation_requested(plan: ProjectPlan) -> bool:
    return lake_formation_enabled(_aws_parameters(plan))


def _step_functions_type(plan: ProjectPlan) -> str:
    settings = _aws_parameters(plan).get("step_functions") or {}
    return str(settings.get("type") or "STANDARD").upper()


def _runtime_version(runtime_files: dict[str, bytes]) -> str:
    init = runtime_files.get(f"{runtime_package.RUNTIME_PACKAGE}/__init__.py", b"").decode("utf-8")
    for line in init.splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    return "0"
