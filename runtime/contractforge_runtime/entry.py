"""Glue entry point: ``python -m contractforge_runtime.entry --CONTRACTFORGE_PLAN_URI s3://…/plan.json``.

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
    if is_s3_uri(uri):
        bucket, key = split_s3_uri(uri)
        client = s3_client or __import__("boto3").client("s3")
        response = client.get_object(Bucket=bucket, Key=key)
        if int(response.get("ContentLength") or 0) > MAX_PLAN_BYTES:
            raise PlanLoadError(f"run plan {uri} is larger than {MAX_PLAN_BYTES} bytes")
        text = response["Body"].read(MAX_PLAN_BYTES + 1).decode("utf-8")
    else:
        path = Path(uri[len("file://") :] if uri.startswith("file://") else uri)
        if not path.is_file():
            raise PlanLoadError(f"run plan file not found: {path}")
        text = path.read_text(encoding="utf-8")
    if len(text) > MAX_PLAN_BYTES:
        raise PlanLoadError(f"run plan {uri} is larger than {MAX_PLAN_BYTES} bytes")
    try:
        plan = json.loads(text)
    except ValueError as exc:
        raise PlanLoadError(f"run plan {uri} is not valid JSON: {exc}") from None
    if not isinstance(plan, dict) or plan.get("kind") != "contractforge.aws.run_plan":
        raise PlanLoadError(
            f"{uri} is not a ContractForge run plan (kind must be 'contractforge.aws.run_plan')"
        )
    if plan.get("plan_version") != 1:
        raise PlanLoadError(
            f"run plan {uri} has plan_version {plan.get('plan_version')!r}; this runtime reads 1"
        )
    return plan


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


def _glue_available() -> bool:
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
    plan = load_plan(uri)
    in_glue = _glue_available()
    ctx = build_context(arguments, plan, in_glue)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
