"""Least-privilege job policies (render/iam.py), one source kind at a time."""

from __future__ import annotations

from typing import Any

import pytest
from contractforge.render.iam import JobObjects, PolicyContext, render_job_policy, secret_scopes

from tests.compiler.render.plans import (
    ARTIFACTS,
    file_source,
    jdbc_source,
    project,
    rest_source,
    sql_source,
    step,
)

OBJECTS = JobObjects(
    plan_uri=f"{ARTIFACTS}plans/x.json",
    script_uri=f"{ARTIFACTS}runner/abc/contractforge_glue_entry.py",
    runtime_zip_uri=f"{ARTIFACTS}runtime/def/contractforge_runtime-0.1.0.zip",
)
CONTEXT = PolicyContext(partition="aws", region="us-east-1", account_id="111122223333")
S3 = "arn:aws:s3:::"
GLUE = "arn:aws:glue:us-east-1:111122223333:"


def _policy(plan, name: str, context: PolicyContext = CONTEXT) -> dict[str, Any]:
    return render_job_policy(plan, plan.step(name), OBJECTS, context)


def _by_sid(policy: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {statement["Sid"]: statement for statement in policy["Statement"]}


def _resources(policy: dict[str, Any], action: str) -> set[str]:
    return {r for s in policy["Statement"] if action in s["Action"] for r in s["Resource"]}


def _assert_least_privilege(policy: dict[str, Any]) -> None:
    assert policy["Version"] == "2012-10-17"
    sids = [s["Sid"] for s in policy["Statement"]]
    assert sids == sorted(sids) and len(set(sids)) == len(sids)
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        for action in statement["Action"]:
            assert "*" not in action, action
        assert statement["Action"] == sorted(statement["Action"])
        assert statement["Resource"] == sorted(set(statement["Resource"]))
        if statement["Resource"] == ["*"]:  # only services without resource-level permissions
            assert set(statement["Action"]) <= {
                "cloudwatch:PutMetricData",
                "lakeformation:GetDataAccess",
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeRouteTables",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcAttribute",
                "ec2:DescribeVpcEndpoints",
                "kms:Decrypt",
            }
            assert statement.get("Condition") or statement["Action"][0].startswith(("ec2:", "lakeformation:"))
    assert not any(r.startswith(S3) and r.endswith(":::*") for r in _resources(policy, "s3:GetObject"))


def test_file_source_reads_its_prefix_and_writes_its_table_and_evidence() -> None:
    plan = project(step("orders", source=file_source("s3://landing-bucket/orders/*.csv")))
    policy = _policy(plan, "orders")
    _assert_least_privilege(policy)
    statements = _by_sid(policy)
    assert statements["ReadSourceObjects"]["Resource"] == [f"{S3}landing-bucket/orders/*"]
    assert statements["ReadArtifacts"]["Resource"] == sorted(
        f"{S3}artifact-bucket/{uri.split('artifact-bucket/')[1]}" for uri in vars(OBJECTS).values()
    )
    assert statements["WriteTableObjects"]["Resource"] == [
        f"{S3}lake-bucket/warehouse/demo_bronze.db/orders/*",
        f"{S3}lake-bucket/warehouse/demo_ops.db/*",
    ]
    assert "s3:PutObject" in statements["WriteTableObjects"]["Action"]
    assert "s3:PutObject" not in statements["ReadSourceObjects"]["Action"]
    assert set(statements["GlueCatalogTargetAndEvidence"]["Resource"]) == {
        f"{GLUE}catalog",
        f"{GLUE}database/demo_bronze",
        f"{GLUE}table/demo_bronze/orders",
        f"{GLUE}database/demo_ops",
        f"{GLUE}table/demo_ops/*",
    }
    lists = [s for s in policy["Statement"] if s["Action"] == ["s3:ListBucket"]]
    prefixes = {p for s in lists for p in s["Condition"]["StringLike"]["s3:prefix"]}
    assert "orders/*" in prefixes and "warehouse/demo_bronze.db/orders/*" in prefixes
    assert "GlueCatalogUpstreamTables" not in statements
    assert "ReadDeclaredSecrets" not in statements
    logs = statements["GlueJobLogs"]["Resource"]
    assert all(":log-group:/aws-glue/jobs/" in r for r in logs)


def test_incremental_files_source() -> None:
    source = file_source("s3://landing-bucket/events/", family="incremental_files")
    policy = _policy(project(step("events", source=source)), "events")
    _assert_least_privilege(policy)
    assert _by_sid(policy)["ReadSourceObjects"]["Resource"] == [f"{S3}landing-bucket/events/*"]


def test_sql_refs_grant_read_on_upstream_tables_only() -> None:
    plan = project(
        step("bronze_a", database="demo_bronze", table="a"),
        step("bronze_b", database="demo_bronze", table="b"),
        step(
            "silver",
            database="demo_silver",
            table="s",
            source=sql_source("glue_catalog.demo_bronze.a", "glue_catalog.external_db.ext"),
            depends_on=("bronze_a",),
        ),
    )
    policy = _policy(plan, "silver")
    _assert_least_privilege(policy)
    statements = _by_sid(policy)
    # the project table's data is readable, the unrelated bronze_b table is not
    assert statements["ReadSourceObjects"]["Resource"] == [f"{S3}lake-bucket/warehouse/demo_bronze.db/a/*"]
    reads = set(statements["GlueCatalogUpstreamTables"]["Resource"])
    assert {f"{GLUE}table/demo_bronze/a", f"{GLUE}table/external_db/ext"} <= reads
    assert f"{GLUE}table/demo_bronze/b" not in reads
    writes = set(statements["GlueCatalogTargetAndEvidence"]["Resource"])
    assert f"{GLUE}table/demo_silver/s" in writes and f"{GLUE}table/demo_bronze/a" not in writes
    assert "glue:UpdateTable" not in statements["GlueCatalogUpstreamTables"]["Action"]


def test_jdbc_with_secrets_and_a_connection() -> None:
    plan = project(
        step("customers", source=jdbc_source(), connections=("billing-vpc",), secrets=["billing_pg/user"])
    )
    policy = _policy(plan, "customers")
    _assert_least_privilege(policy)
    statements = _by_sid(policy)
    assert statements["ReadDeclaredSecrets"]["Resource"] == [
        "arn:aws:secretsmanager:us-east-1:111122223333:secret:billing_pg-??????"
    ]
    assert statements["ReadDeclaredSecrets"]["Action"] == ["secretsmanager:GetSecretValue"]
    assert f"{GLUE}connection/billing-vpc" in statements["GlueConnections"]["Resource"]
    assert "ReadSourceObjects" not in statements  # nothing read from S3 besides artifacts


def test_jdbc_with_rds_iam_auth_may_connect_as_its_user_only() -> None:
    source = {**jdbc_source(), "url": "jdbc:postgresql://db1.abc.eu-west-1.rds.amazonaws.com:5432/app"}
    source["options"] = {}
    source["auth"] = {"type": "rds_iam", "username": "loader", "db_resource_id": "db-ABC123"}
    policy = _policy(project(step("pg", source=source)), "pg")
    _assert_least_privilege(policy)
    assert _by_sid(policy)["RdsIamConnect"]["Resource"] == [
        "arn:aws:rds-db:eu-west-1:111122223333:dbuser:db-ABC123/loader"
    ]
    assert "RdsIamConnect" not in _by_sid(_policy(project(step("plain", source=jdbc_source())), "plain"))


def test_rest_source_secrets_only_for_named_scopes() -> None:
    policy = _policy(project(step("rates", source=rest_source())), "rates")
    _assert_least_privilege(policy)
    assert _by_sid(policy)["ReadDeclaredSecrets"]["Resource"] == [
        "arn:aws:secretsmanager:us-east-1:111122223333:secret:rates_api-??????",
        "arn:aws:secretsmanager:us-east-1:111122223333:secret:rates_oauth-??????",
    ]
    assert "GlueConnections" not in _by_sid(policy)
    decrypt = _by_sid(policy)["DecryptSecretsThroughSecretsManager"]
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}
    }


def test_catalog_table_source_reads_the_project_table() -> None:
    source = {"type": "table", "family": "catalog", "table": "glue_catalog.demo_bronze.a", "system": "s"}
    plan = project(step("bronze_a", table="a"), step("copy", database="demo_silver", source=source))
    policy = _policy(plan, "copy")
    _assert_least_privilege(policy)
    statements = _by_sid(policy)
    assert statements["ReadSourceObjects"]["Resource"] == [f"{S3}lake-bucket/warehouse/demo_bronze.db/a/*"]
    assert f"{GLUE}table/demo_bronze/a" in statements["GlueCatalogUpstreamTables"]["Resource"]
    assert "DecryptSecretsThroughSecretsManager" not in statements


def test_lake_formation_and_placeholders() -> None:
    context = PolicyContext(partition="aws", region="eu-west-1", lake_formation=True)
    policy = _policy(project(step("x")), "x", context)
    statements = _by_sid(policy)
    assert statements["LakeFormationDataAccess"]["Action"] == ["lakeformation:GetDataAccess"]
    assert (
        "arn:aws:glue:eu-west-1:${account_id}:catalog"
        in statements["GlueCatalogTargetAndEvidence"]["Resource"]
    )


@pytest.mark.parametrize(
    ("plan", "scopes"),
    [
        ({"secrets": ["a/b", "a/c", "z/k/with/slash"]}, ["a", "z"]),
        ({"source": {"url": "jdbc:x://h/{{ SECRET:db/password }}"}}, ["db"]),
        ({}, []),
    ],
)
def test_secret_scopes(plan: dict[str, Any], scopes: list[str]) -> None:
    assert secret_scopes(plan) == scopes


def test_msk_iam_stream_may_read_its_topics_of_its_cluster_only() -> None:
    cluster = "arn:aws:kafka:us-east-1:111122223333:cluster/orders/0f1e2d3c-aaaa-bbbb"
    source = {
        "type": "kafka_available_now",
        "family": "stream",
        "format": "kafka",
        "system": "msk",
        "options": {"kafka.bootstrap.servers": "b-1.orders:9098", "subscribe": "orders,refunds"},
        "checkpoint_location": "s3://cf-checkpoints/orders/",
        "auth": {"type": "msk_iam", "cluster_arn": cluster},
    }
    policy = _policy(project(step("orders_stream", source=source)), "orders_stream")
    _assert_least_privilege(policy)
    statements = _by_sid(policy)
    assert statements["MskIamConnect"]["Resource"] == [cluster]
    assert statements["MskIamReadTopics"]["Resource"] == [
        "arn:aws:kafka:us-east-1:111122223333:topic/orders/0f1e2d3c-aaaa-bbbb/orders",
        "arn:aws:kafka:us-east-1:111122223333:topic/orders/0f1e2d3c-aaaa-bbbb/refunds",
    ]
    assert statements["MskIamConsumerGroups"]["Resource"] == [
        "arn:aws:kafka:us-east-1:111122223333:group/orders/0f1e2d3c-aaaa-bbbb/*"
    ]
    assert f"{S3}cf-checkpoints/orders/*" in _resources(policy, "s3:PutObject")
    plain = {**source, "auth": {}}
    assert "MskIamConnect" not in _by_sid(_policy(project(step("plain", source=plain)), "plain"))
