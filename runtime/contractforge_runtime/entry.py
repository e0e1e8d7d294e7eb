"""Glue entry point: ``python -m contractforge_runtime.entry --CONTRACTFORGE_PLAN_URI s3://…/plan.json``.

The URI names a run plan, or a pack plan (several steps in this one job run: run_pack_job below;
step run ids are ``<JOB_NAME>:<JOB_RUN_ID>:<step>``, one JSON line per step is printed, and the job
run fails naming the steps that did not end as expected).

Parses the job arguments (``--X value`` and ``--X=value``), loads the run plan (s3:// through boto3,
else a file path), builds the RunContext (run_id ``<JOB_NAME>:<JOB_RUN_ID>`` in Glue, a unique id
locally), runs it, and commits the awsglue Job only after success (job bookmarks advance there).
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

from contractforge_runtime.environment.context import AWS_GLUE, LOCAL, GlueHooks, RunContext
from contractforge_runtime.environment.paths import is_s3_uri, split_s3_uri
from contractforge_runtime.run.pack import (
    DEFAULT_MAX_PARALLEL,
    PACK_KIND,
    PackedStep,
    raise_if_failed,
    run_pack,
)

MAX_PLAN_BYTES = 5_000_000
ID_ARGUMENTS = {
    "CONTRACTFORGE_PARENT_RUN_ID": "parent_run_id",
    "CONTRACTFORGE_RUN_GROUP_ID": "run_group_id",
    "CONTRACTFORGE_MASTER_JOB_ID": "master_job_id",
    "CONTRACTFORGE_MASTER_RUN_ID": "master_run_id",
}


RUN_KEY_ARGUMENT = "CONTRACTFORGE_RUN_KEY"  # the per-run idempotency key (reliability.idempotency)


class PlanLoadError(ValueError):
    """The run plan cannot be loaded or is not a ContractForge run plan."""


def parse_job_arguments(argv: list[str]) -> dict[str, str]:
    """``--NAME value`` / ``--NAME=value`` pairs (Glue also passes flags it owns; all are kept)."""
    arguments: dict[str, str] = {}
    index = 0
    while index < len(argv):
        item = argv[index]
        if item.startswith("--"):
            name, equals, value = item[2:].partition("=")
            if not equals and index + 1 < len(argv) and not argv[index + 1].startswith("--"):
                value = argv[index + 1]
                index += 1
            arguments[name] = value
        index += 1
    return arguments


def load_plan(uri: str, s3_client=None) -> dict:
    return check_plan(read_json(uri, "run plan", s3_client), uri)


def check_plan(plan, uri: str) -> dict:
    if not isinstance(plan, dict) or plan.get("kind") != "contractforge.aws.run_plan":
        raise PlanLoadError(
            f"{uri} is not a ContractForge run plan (kind must be 'contractforge.aws.run_plan')"
        )
    if plan.get("plan_version") != 1:
        raise PlanLoadError(
            f"run plan {uri} has plan_version {plan.get('plan_version')!r}; this runtime reads 1"
        )
    return plan


def read_json(uri: str, what: str, s3_client=None):
    """A JSON document from s3:// (boto3) or a file, at most MAX_PLAN_BYTES."""
    if is_s3_uri(uri):
        bucket, key = split_s3_uri(uri)
        client = s3_client or __import__("boto3").client("s3")
        response = client.get_object(Bucket=bucket, Key=key)
        if int(response.get("ContentLength") or 0) > MAX_PLAN_BYTES:
            raise PlanLoadError(f"{what} {uri} is larger than {MAX_PLAN_BYTES} bytes")
        text = response["Body"].read(MAX_PLAN_BYTES + 1).decode("utf-8")
    else:
        path = Path(uri[len("file://") :] if uri.startswith("file://") else uri)
        if not path.is_file():
            raise PlanLoadError(f"{what} file not found: {path}")
        text = path.read_text(encoding="utf-8")
    if len(text) > MAX_PLAN_BYTES:
        raise PlanLoadError(f"{what} {uri} is larger than {MAX_PLAN_BYTES} bytes")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise PlanLoadError(f"{what} {uri} is not valid JSON: {exc}") from None


def build_context(arguments: dict[str, str], plan: dict, in_glue: bool) -> RunContext:
    job_name = arguments.get("JOB_NAME") or plan.get("step", {}).get("name") or "contractforge"
    job_run_id = arguments.get("JOB_RUN_ID")
    ids = {field: arguments.get(name) or None for name, field in ID_ARGUMENTS.items()}
    ids["run_key"] = arguments.get(RUN_KEY_ARGUMENT) or None
    # As in the original runner: master ids default to this job's own name and run id.
    ids["master_job_id"] = ids["master_job_id"] or (job_name if in_glue else None)
    ids["master_run_id"] = ids["master_run_id"] or (job_run_id if in_glue else None)
    if in_glue:
        run_id = f"{job_name}:{job_run_id}" if job_run_id else f"{job_name}:{uuid.uuid4().hex}"
        return RunContext(
            run_id=run_id,
            job_name=job_name,
            runtime_type=AWS_GLUE,
            job_run_id=job_run_id,
            runtime_entrypoint="contractforge_runtime.entry",
            **ids,
        )
    ctx = RunContext.local(job_name, s3_root=arguments.get("CONTRACTFORGE_S3_ROOT"), **ids)
    ctx.job_run_id = job_run_id
    ctx.runtime_type = LOCAL
    return ctx


def glue_available() -> bool:
    try:
        import awsglue  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    arguments = parse_job_arguments(argv)
    uri = arguments.get("CONTRACTFORGE_PLAN_URI")
    if not uri:
        raise PlanLoadError("missing job argument --CONTRACTFORGE_PLAN_URI")
    document = read_json(uri, "run plan")
    if isinstance(document, dict) and document.get("kind") == PACK_KIND:  # several steps in one job run
        return run_pack_job(arguments, uri, document)
    plan = check_plan(document, uri)
    in_glue = glue_available()
    ctx = build_context(arguments, plan, in_glue)
    spark, job = session_and_job(ctx, arguments, in_glue)
    from contractforge_runtime.run import run_plan

    result = run_plan(spark, plan, ctx)  # raises the original error on failure: the Glue run fails
    if job is not None:
        job.commit()
    print(
        json.dumps(
            {
                "run_id": result.run_id,
                "status": result.status,
                "skip_reason": result.skip_reason,
                "rows_read": result.rows_read,
                "rows_written": result.rows_written,
            },
            sort_keys=True,
        )
    )
    return 0


def session_and_job(ctx: RunContext, arguments: dict[str, str], in_glue: bool):
    """(spark, awsglue Job or None); in Glue the Job is initialised and ctx.glue set."""
    job = None
    if in_glue:
        from awsglue.context import GlueContext
        from awsglue.job import Job
        from pyspark.context import SparkContext

        glue_context = GlueContext(SparkContext.getOrCreate())
        spark = glue_context.spark_session
        job = Job(glue_context)
        job.init(ctx.job_name, {k: v for k, v in arguments.items()})
        ctx.glue = GlueHooks(glue_context=glue_context, job=job)
    else:
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.getOrCreate()
    return spark, job


# ---- packs: a pack plan names several steps' run plans (run/pack.py); one JSON line per step ---------
def load_pack(uri: str, s3_client=None, pack: dict | None = None) -> tuple[dict, list[PackedStep]]:
    pack = read_json(uri, "pack plan", s3_client) if pack is None else pack
    if not isinstance(pack, dict) or pack.get("kind") != PACK_KIND or pack.get("pack_version") != 1:
        raise PlanLoadError(f"{uri} is not a ContractForge pack plan (kind {PACK_KIND!r}, pack_version 1)")
    steps = []
    for item in pack.get("steps") or []:
        plan = load_plan(_relative(uri, item["plan_uri"]), s3_client)
        steps.append(
            PackedStep(
                name=item["name"],
                plan=plan,
                depends_on=tuple(item.get("depends_on") or ()),
                expected_result=item.get("expected_result", "success"),
            )
        )
    if not steps:
        raise PlanLoadError(f"pack plan {uri} lists no steps")
    return pack, steps


def _relative(pack_uri: str, plan_uri: str) -> str:
    """Plan URIs in a pack plan are absolute, or relative to the pack plan's folder's parent."""
    if "://" in plan_uri or plan_uri.startswith("/"):
        return plan_uri
    base = pack_uri.rsplit("/", 2)[0]
    return f"{base}/{plan_uri}"


def step_context(arguments: dict[str, str], step: PackedStep, in_glue: bool, pack_run: str) -> RunContext:
    ctx = build_context(arguments, step.plan, in_glue)
    ctx.run_id = f"{pack_run}:{step.name}"
    return ctx


def run_pack_job(arguments: dict[str, str], uri: str, document: dict | None = None) -> int:
    pack, steps = load_pack(uri, pack=document)
    in_glue = glue_available()
    job_name = arguments.get("JOB_NAME") or pack.get("pack") or "contractforge-pack"
    job_run_id = arguments.get("JOB_RUN_ID") or uuid.uuid4().hex
    pack_run = f"{job_name}:{job_run_id}"
    first = step_context(arguments, steps[0], in_glue, pack_run)
    spark, job = session_and_job(first, arguments, in_glue)
    contexts = {step.name: step_context(arguments, step, in_glue, pack_run) for step in steps}
    for ctx in contexts.values():
        ctx.glue = first.glue

    def report(outcome) -> None:
        print(json.dumps({"pack": pack.get("pack"), **outcome.as_dict()}, sort_keys=True), flush=True)

    outcomes = run_pack(
        spark,
        steps,
        lambda step: contexts[step.name],
        max_parallel=int(pack.get("max_parallel") or DEFAULT_MAX_PARALLEL),
        on_outcome=report,
    )
    raise_if_failed(pack.get("pack") or job_name, outcomes)
    if job is not None:
        job.commit()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
