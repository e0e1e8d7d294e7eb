"""Options shared by the ops commands, and the objects they build from them."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from contractforge.project_plan import ProjectPlan

if TYPE_CHECKING:  # boto3 loads only for commands that reach AWS (--local reads never do)
    from contractforge.ops.aws import AwsSession
    from contractforge.ops.sql_backends import AthenaBackend


def add_project_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PROJECT", help="project directory or project.yaml")
    parser.add_argument("--env", default="aws", help="environment key of project.yaml (default: aws)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON on stdout")


def add_aws_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", help="AWS region (default: the environment's region)")
    parser.add_argument("--endpoint-url", help="AWS endpoint override, e.g. a moto server (default: AWS)")
    parser.add_argument("--profile", help="AWS named profile")


def add_athena_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--athena-output-location",
        help="s3:// URI for Athena results "
        "(default: parameters.aws.athena.output_location, else <artifacts uri>athena-results/)",
    )
    parser.add_argument(
        "--athena-workgroup", help="Athena workgroup (default: the environment's, else primary)"
    )
    parser.add_argument("--database", help="evidence database (default: the project's evidence database)")


def project_from(args: argparse.Namespace) -> ProjectPlan:
    """The project's plan; with --local, kept in the home between commands while its inputs hold."""
    path = getattr(args, "path", None) or getattr(args, "project", None)
    env = getattr(args, "env", None) or "aws"
    if getattr(args, "local", False) and getattr(args, "home", None):
        from contractforge.local.plan_cache import cached_plan

        return cached_plan(path, env, args.home)
    from contractforge.api import plan_project

    return plan_project(path, env)


def session_from(args: argparse.Namespace, plan: ProjectPlan) -> AwsSession:
    from contractforge.ops.aws import AwsSession

    return AwsSession(
        getattr(args, "region", None) or plan.region,
        endpoint_url=getattr(args, "endpoint_url", None),
        profile=getattr(args, "profile", None),
    )


def athena_from(args: argparse.Namespace, plan: ProjectPlan, session: AwsSession) -> AthenaBackend:
    from contractforge.ops.project import athena_settings
    from contractforge.ops.sql_backends import AthenaBackend

    settings = athena_settings(
        plan,
        output_location=getattr(args, "athena_output_location", None),
        workgroup=getattr(args, "athena_workgroup", None),
        database=getattr(args, "database", None),
    )
    return AthenaBackend(session, settings)


def add_local_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--local", action="store_true", help="use the local evidence written by run --local")
    parser.add_argument(
        "--home", default=".contractforge", help="local home with --local (default .contractforge/)"
    )


def add_backend_arguments(parser: argparse.ArgumentParser) -> None:
    """Where evidence queries run: the local evidence (--local) or Athena (AWS and Athena options)."""
    add_local_arguments(parser)
    add_aws_arguments(parser)
    add_athena_arguments(parser)


def add_spark_reader_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--spark",
        action="store_true",
        help="with --local: read the evidence through a local Spark session instead of the light reader (Iceberg metadata + DuckDB)",
    )


def reader_from(args: argparse.Namespace, plan: ProjectPlan):
    """For read-only commands: the light local reader with --local (Spark with --spark), else Athena."""
    if getattr(args, "local", False) and not getattr(args, "spark", False):
        from contractforge.ops.evidence_reader import local_evidence

        database = getattr(args, "database", None) or plan.evidence_database
        return local_evidence(args.home, database, plan.evidence_table_prefix)
    return backend_from(args, plan)


def backend_from(args: argparse.Namespace, plan: ProjectPlan):
    """The local Spark backend with --local, else Athena."""
    if getattr(args, "local", False):
        from contractforge.ops.local_evidence import local_backend, local_spark

        database = getattr(args, "database", None) or plan.evidence_database
        return local_backend(local_spark(args.home), database, table_prefix=plan.evidence_table_prefix)
    return athena_from(args, plan, session_from(args, plan))


def print_json(payload: Any) -> None:
    print(json.dumps(payload, indent=2, sort_keys=True, default=str))


def stderr_line(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
