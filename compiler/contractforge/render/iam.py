"""Least-privilege IAM policy of one Glue job, derived from its run plan.

Decision (documented): **one role per step** (``module.glue_roles["<step>"]``), each with the
policy of exactly that job — a union policy would give every job every other job's
locations and would pass IAM's 10,240-character inline-policy limit on large projects. When
the environment brings its own role (``glue_job.role_arn``) no role is created; the policy is
still rendered as a review artifact to attach to that role.

What a job may do (nothing else; no ``*`` action, ``*`` resources only where the service
has no resource-level permissions, always with a condition or a read-only describe):

- ``s3:GetObject`` on its run plan, the runner script, the runtime zip and declared
  ``--extra-py-files``/``--extra-jars``;
- ``s3:GetObject`` under its source prefixes (files, incremental files, file streams) and
  under the table locations of upstream project tables it reads (catalog / SQL sources);
- read/write objects under its target table location, the evidence database location
  and its streaming checkpoint;
- ``s3:ListBucket`` on each bucket involved, limited by ``s3:prefix`` to those prefixes;
- Glue catalog: read/write its target database + table and the evidence database + its
  tables, read the upstream databases/tables it reads through refs;
- ``secretsmanager:GetSecretValue`` only for the scopes its ``{{ secret:scope/key }}``
  placeholders name (the runtime reads ``SecretId=<scope>``), plus ``kms:Decrypt`` only through
  Secrets Manager (``kms:ViaService``) for secrets under a customer managed key;
- ``rds-db:connect`` for ``auth.type: rds_iam`` JDBC sources (its database user only);
- ``kafka-cluster:*Data``/``Describe*``/``Connect`` actions (listed, never a wildcard) for MSK IAM
  streams: its cluster (``auth.cluster_arn``, else the account's clusters in the region), its
  topics and consumer groups;
- the project's DynamoDB lock table: ``dynamodb:GetItem/PutItem/UpdateItem/DeleteItem`` on that
  table only, and ``glue:GetJobRun`` on the jobs that write the same target (a lock holder whose
  job run ended is taken over, docs/evidence-and-reliability.md#locks);
- CloudWatch Logs under ``/aws-glue/jobs/*`` and ``cloudwatch:PutMetricData`` in the ``Glue``
  namespace; ENI management for Glue connections; ``lakeformation:GetDataAccess`` when
  Lake Formation is requested.

ARNs carry the account through :data:`ACCOUNT_TOKEN` (and the artifact bucket through
``ArtifactLocation`` tokens) so the same document serves the review artifact and Terraform.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

import contractforge.render.iam_locations as locations
from contractforge.project_plan import ProjectPlan, StepPlan
from contractforge.render.canonical import canonical_json
from contractforge.render.iam_locations import ProjectTables, project_tables
from contractforge.render.layout import split_s3_uri
from contractforge.render.tf_json import escape
from contractforge.source_families import FAMILIES

ACCOUNT_TOKEN = "${account_id}"  # replaced by the caller identity in Terraform
TEMPLATE_VARIABLES = ("account_id", "artifact_bucket", "region")  # placeholders a policy may hold
POLICY_VERSION = "2012-10-17"
SECRET_PLACEHOLDER = re.compile(r"\{\{\s*secret:([^/}\s]+)/[^}]*\}\}", re.IGNORECASE)
_SECRET_WORD = b"secret:"  # JSON encoding never escapes these characters; matched ASCII case-insensitively
TABLE_READ_ACTIONS = ("glue:GetDatabase", "glue:GetPartitions", "glue:GetTable", "glue:GetTables")
TABLE_WRITE_ACTIONS = (
    "glue:CreateDatabase",
    "glue:CreateTable",
    "glue:GetDatabase",
    "glue:GetPartitions",
    "glue:GetTable",
    "glue:GetTables",
    "glue:UpdateTable",
)
LOCK_TABLE_ACTIONS = ("dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")
OBJECT_WRITE_ACTIONS = (
    "s3:AbortMultipartUpload",
    "s3:DeleteObject",
    "s3:GetObject",
    "s3:ListMultipartUploadParts",
    "s3:PutObject",
)
CONNECTION_ENI_ACTIONS = (
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcAttribute",
    "ec2:DescribeVpcEndpoints",
)


@dataclass(frozen=True)
class JobObjects:
    """S3 URIs of the objects a job reads at start-up (artifact bucket may be a token)."""

    plan_uri: str
    script_uri: str
    runtime_zip_uri: str


@dataclass(frozen=True)
class PolicyContext:
    partition: str
    region: str
    account_id: str = ACCOUNT_TOKEN
    lake_formation: bool = False


def render_job_policy(
    plan: ProjectPlan,
    step: StepPlan,
    objects: JobObjects,
    context: PolicyContext,
    tables: ProjectTables | None = None,
) -> dict:
    """The IAM policy document (a dict) of ``step``'s Glue job (``tables``: ``project_tables(plan)``,
    computed once per project by callers rendering many steps)."""
    run_plan = step.run_plan or {}
    arns = _Arns(context)
    tables = project_tables(plan) if tables is None else tables
    reads = locations.source_read_prefixes(run_plan) + locations.upstream_read_prefixes(
        tables.locations, step
    )
    writes = locations.write_prefixes(run_plan)
    scopes = secret_scopes(run_plan)  # one scan of the run plan's text
    artifact_objects = [objects.plan_uri, objects.script_uri, objects.runtime_zip_uri]
    artifact_objects += [
        u for u in (*step.glue.extra_py_files, *step.glue.extra_jars) if u.startswith("s3://")
    ]

    statements = [
        _statement("ReadArtifacts", ["s3:GetObject"], [arns.s3_object(uri) for uri in artifact_objects]),
        _statement("ReadSourceObjects", ["s3:GetObject"], [arns.s3_prefix(uri) for uri in reads]),
        _statement("WriteTableObjects", OBJECT_WRITE_ACTIONS, [arns.s3_prefix(uri) for uri in writes]),
        _statement(
            "GlueCatalogTargetAndEvidence", TABLE_WRITE_ACTIONS, _catalog_write_resources(run_plan, arns)
        ),
        _statement(
            "GlueCatalogUpstreamTables", TABLE_READ_ACTIONS, _catalog_read_resources(plan, step, arns)
        ),
        _statement(
            "ReadDeclaredSecrets", ["secretsmanager:GetSecretValue"], [arns.secret(scope) for scope in scopes]
        ),
        _statement("LockTable", LOCK_TABLE_ACTIONS, _lock_table_resources(run_plan, arns)),
        _statement("LockHolderJobRuns", ["glue:GetJobRun"], _lock_holder_jobs(tables, step, arns)),
        _statement(
            "GlueJobLogs",
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            [arns.log_groups("/aws-glue/jobs/*"), arns.log_groups("/aws-glue/jobs/*:log-stream:*")],
        ),
        _statement(
            "GlueJobMetrics",
            ["cloudwatch:PutMetricData"],
            ["*"],
            {"StringEquals": {"cloudwatch:namespace": "Glue"}},
        ),
    ]
    statements += _list_bucket_statements(artifact_objects, reads, writes, arns)
    if run_plan.get("metrics"):
        statements.append(
            _statement(
                "RunnerMetrics",
                ["cloudwatch:PutMetricData"],
                ["*"],  # PutMetricData has no resource-level permissions; scoped by namespace
                {"StringEquals": {"cloudwatch:namespace": run_plan["metrics"]["namespace"]}},
            )
        )
    if scopes:
        statements.append(
            _statement(
                "DecryptSecretsThroughSecretsManager",
                ["kms:Decrypt"],
                ["*"],
                {"StringEquals": {"kms:ViaService": f"secretsmanager.{context.region}.amazonaws.com"}},
            )
        )
    family = FAMILIES.get((run_plan.get("source") or {}).get("family"))
    if family is not None:
        statements += family.iam_statements(run_plan, context, _statement)  # e.g. RDS IAM, MSK IAM
    if step.glue.connections:
        statements.append(
            _statement(
                "GlueConnections",
                ["glue:GetConnection"],
                [arns.glue("catalog")] + [arns.glue(f"connection/{name}") for name in step.glue.connections],
            )
        )
        statements.append(_statement("GlueConnectionNetworkInterfaces", CONNECTION_ENI_ACTIONS, ["*"]))
        statements.append(
            _statement(
                "GlueConnectionNetworkInterfaceTags",
                ["ec2:CreateTags", "ec2:DeleteTags"],
                [arns.ec2("network-interface/*")],
                {"ForAllValues:StringEquals": {"aws:TagKeys": ["aws-glue-service-resource"]}},
            )
        )
    if context.lake_formation:
        statements.append(_statement("LakeFormationDataAccess", ["lakeformation:GetDataAccess"], ["*"]))
        section = run_plan.get("lake_formation") or {}
        if (
            section.get("table_tags")
            or section.get("column_tags")
            or (run_plan.get("metadata") or {}).get("access")
        ):
            # Lake Formation has no resource-level IAM permissions; LF grants (ASSOCIATE) scope the tags
            statements.append(_statement("LakeFormationTagsAndAccessCheck", LF_RUNNER_ACTIONS, ["*"]))
        policy = ((run_plan.get("metadata") or {}).get("access") or {}).get("access_policy") or {}
        if policy.get("revoke_unmanaged") and policy.get("on_drift") == "reconcile":
            statements.append(
                _statement("LakeFormationRevokeUnmanaged", ["lakeformation:RevokePermissions"], ["*"])
            )
    return {
        "Version": POLICY_VERSION,
        "Statement": sorted((s for s in statements if s), key=lambda s: s["Sid"]),
    }


LF_RUNNER_ACTIONS = [
    "lakeformation:AddLFTagsToResource",
    "lakeformation:GetResourceLFTags",
    "lakeformation:ListDataCellsFilter",
    "lakeformation:ListPermissions",
]


def object_arn(context: PolicyContext, uri: str) -> str:
    """The ARN of one s3:// object as the job policies write it."""
    return _Arns(context).s3_object(uri)


def policy_template(policy: dict) -> str:
    """The policy as a Terraform ``templatefile`` template (canonical JSON): literal ``${``/``%{``
    escaped, the placeholders ``${account_id}``, ``${region}``, ``${artifact_bucket}`` kept as
    template variables. The reviewed file is exactly what Terraform applies."""
    text = escape(canonical_json(policy))
    for variable in TEMPLATE_VARIABLES:
        text = text.replace(escape(f"${{{variable}}}"), f"${{{variable}}}")
    return text


def secret_scopes(run_plan: dict[str, Any]) -> list[str]:
    """Scopes of the ``{{ secret:scope/key }}`` placeholders the run plan names (sorted, unique)."""
    scopes = {entry.split("/", 1)[0] for entry in run_plan.get("secrets") or [] if entry}
    if _SECRET_WORD in _json_or_marker(run_plan).lower():  # most run plans name no secret: one C-speed scan
        scopes.update(SECRET_PLACEHOLDER.findall(_all_strings(run_plan)))
    return sorted(scope for scope in scopes if scope)


class _Arns:
    def __init__(self, context: PolicyContext) -> None:
        self.c = context

    def s3_object(self, uri: str) -> str:
        bucket, key = split_s3_uri(uri)
        return f"arn:{self.c.partition}:s3:::{bucket}/{key}"

    def s3_prefix(self, uri: str) -> str:
        bucket, key = split_s3_uri(uri)
        return f"arn:{self.c.partition}:s3:::{bucket}/{key}*"

    def s3_bucket(self, bucket: str) -> str:
        return f"arn:{self.c.partition}:s3:::{bucket}"

    def glue(self, resource: str) -> str:
        return f"arn:{self.c.partition}:glue:{self.c.region}:{self.c.account_id}:{resource}"

    def log_groups(self, name: str) -> str:
        return f"arn:{self.c.partition}:logs:{self.c.region}:{self.c.account_id}:log-group:{name}"

    def secret(self, scope: str) -> str:
        if scope.startswith("arn:"):
            return scope
        return (
            f"arn:{self.c.partition}:secretsmanager:{self.c.region}:{self.c.account_id}:secret:{scope}-??????"
        )

    def dynamodb_table(self, name: str) -> str:
        return f"arn:{self.c.partition}:dynamodb:{self.c.region}:{self.c.account_id}:table/{name}"

    def ec2(self, resource: str) -> str:
        return f"arn:{self.c.partition}:ec2:{self.c.region}:{self.c.account_id}:{resource}"


def _statement(
    sid: str, actions: Iterable[str], resources: Iterable[str], condition: dict | None = None
) -> dict:
    resources = sorted(set(resources))
    if not resources:
        return {}
    statement = {"Sid": sid, "Effect": "Allow", "Action": sorted(set(actions)), "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement


def _catalog_write_resources(run_plan: dict[str, Any], arns: _Arns) -> list[str]:
    target, evidence = run_plan.get("target") or {}, run_plan.get("evidence") or {}
    resources = [arns.glue("catalog")]
    if target.get("database"):
        table = target.get("identifier", "").rsplit(".", 1)[-1] or target.get("table", "")
        resources += [
            arns.glue(f"database/{target['database']}"),
            arns.glue(f"table/{target['database']}/{table}"),
        ]
    if evidence.get("database"):
        tables = (
            f"{evidence['table_prefix']}*" if evidence.get("table_prefix") else "*"
        )  # evidence.table_prefix
        resources += [
            arns.glue(f"database/{evidence['database']}"),
            arns.glue(f"table/{evidence['database']}/{tables}"),
        ]
    return resources


def _catalog_read_resources(plan: ProjectPlan, step: StepPlan, arns: _Arns) -> list[str]:
    own = ((step.run_plan or {}).get("target") or {}).get("identifier")
    resources = []
    for identifier in locations.read_identifiers(step.run_plan or {}):
        if identifier == own:
            continue
        _, database, table = identifier.split(".")
        resources += [arns.glue(f"database/{database}"), arns.glue(f"table/{database}/{table}")]
    return resources + [arns.glue("catalog")] if resources else []


def _lock_table_resources(run_plan: dict[str, Any], arns: _Arns) -> list[str]:
    table = (run_plan.get("run") or {}).get("lock_table")
    return [arns.dynamodb_table(table)] if table else []


def _lock_holder_jobs(tables: ProjectTables, step: StepPlan, arns: _Arns) -> list[str]:
    """The Glue jobs that may hold this step's target lock: the project's steps writing that target."""
    if not ((step.run_plan or {}).get("run") or {}).get("lock_table"):
        return []
    target = ((step.run_plan or {}).get("target") or {}).get("identifier")
    return [arns.glue(f"job/{s.glue.name}") for s in tables.writers.get(target) or [step]]


def _list_bucket_statements(
    objects: list[str], reads: list[str], writes: list[str], arns: _Arns
) -> list[dict]:
    by_bucket: dict[str, set[str]] = {}
    for uri in objects:
        bucket, key = split_s3_uri(uri)
        by_bucket.setdefault(bucket, set()).add(key)
    for uri in (*reads, *writes):
        bucket, key = split_s3_uri(uri)
        by_bucket.setdefault(bucket, set()).update({f"{key}*", key.rstrip("/")} if key else {"*"})
    statements = []
    for index, bucket in enumerate(sorted(by_bucket), start=1):
        statements.append(
            _statement(
                f"ListBucket{index}",
                ["s3:ListBucket"],
                [arns.s3_bucket(bucket)],
                {"StringLike": {"s3:prefix": sorted(by_bucket[bucket])}},
            )
        )
        statements.append(
            _statement(f"BucketLocation{index}", ["s3:GetBucketLocation"], [arns.s3_bucket(bucket)])
        )
    return statements


def _json_or_marker(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):  # not JSON: let the full scan decide
        return b"secret:"


def _all_strings(value: Any) -> str:
    if isinstance(value, str):
        return value + "\n"
    if isinstance(value, dict):
        return "".join(_all_strings(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return "".join(_all_strings(v) for v in value)
    return ""
