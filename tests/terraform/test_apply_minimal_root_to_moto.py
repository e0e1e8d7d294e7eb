"""``terraform apply`` of the minimal root (every module) to moto; AWS then holds what we meant.

One apply per module run (about a minute); each test reads one part back through boto3. The last
proves the loop is stable: a second ``terraform plan`` shows no changes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.terraform.applied_root import AppliedRoot, apply_to_moto, aws_client
from tests.terraform.figures import record
from tests.terraform.layout import MODULE_NAMES
from tests.terraform.moto_server import ACCOUNT_ID, patch_moto_for_terraform
from tests.terraform.tf_cli import Terraform
from tests.terraform.workspace import copy_fixture_root

pytestmark = [pytest.mark.terraform, pytest.mark.aws]

BUCKET = "contractforge-minimal-artifacts"
PREFIX = "contractforge/cf-minimal/"
WAREHOUSE = f"s3://{BUCKET}/warehouse/cf-minimal/"
JOB = "cf-minimal-bronze_orders"
FILES = Path(__file__).resolve().parent / "fixtures" / "minimal_root" / "files"


@pytest.fixture(scope="module")
def applied(terraform: Terraform, moto_server, tmp_path_factory: pytest.TempPathFactory) -> AppliedRoot:
    patch_moto_for_terraform()
    moto_server.reset()
    # Before apply: moto keeps executable state machines in another backend, so switching later
    # would hide the state machine Terraform created.
    moto_server.enable_stepfunctions_execution()
    aws_client(moto_server, "s3").create_bucket(Bucket=BUCKET)  # the environment's bucket
    root = copy_fixture_root(tmp_path_factory.mktemp("minimal"))
    result = apply_to_moto(terraform, root, moto_server)
    record("resources of the minimal root applied to moto", len(result.resource_addresses))
    yield result
    moto_server.reset()


def test_every_module_created_its_resources(applied: AppliedRoot) -> None:
    modules = {address.split(".")[1] for address in applied.resource_addresses}
    assert modules == set(MODULE_NAMES)
    assert len(applied.resource_addresses) == 41


def test_glue_job_holds_the_runner_settings_and_default_arguments(applied: AppliedRoot) -> None:
    job = applied.client("glue").get_job(JobName=JOB)["Job"]
    assert job["Command"] == {
        "Name": "glueetl",
        "ScriptLocation": f"s3://{BUCKET}/{PREFIX}runtime/contractforge_runner.py",
        "PythonVersion": "3",
    }
    assert job["Role"] == f"arn:aws:iam::{ACCOUNT_ID}:role/cf-minimal-glue"
    assert (job["GlueVersion"], job["WorkerType"], job["NumberOfWorkers"]) == ("5.0", "G.1X", 2)
    # The provider leaves MaxRetries out of CreateJob when it is 0 (the AWS default), so moto has none.
    assert (job["Timeout"], job.get("MaxRetries", 0), job["ExecutionClass"]) == (60, 0, "STANDARD")
    assert job["ExecutionProperty"] == {"MaxConcurrentRuns": 1}
    catalog = "spark.sql.catalog.glue_catalog"
    assert job["DefaultArguments"] == {
        "--CONTRACTFORGE_PLAN_URI": f"s3://{BUCKET}/{PREFIX}plans/bronze_orders.json",
        "--extra-py-files": f"s3://{BUCKET}/{PREFIX}runtime/contractforge_runtime.zip",
        "--extra-jars": f"s3://{BUCKET}/{PREFIX}jars/postgresql.jar",
        "--additional-python-modules": "pyathena==3.9.0",
        "--datalake-formats": "iceberg",
        "--conf": (
            "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"
            f" --conf {catalog}=org.apache.iceberg.spark.SparkCatalog"
            f" --conf {catalog}.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog"
            f" --conf {catalog}.io-impl=org.apache.iceberg.aws.s3.S3FileIO"
            f" --conf {catalog}.warehouse={WAREHOUSE}"
        ),
        "--job-language": "python",
        "--job-bookmark-option": "job-bookmark-enable",
        "--enable-metrics": "true",
        "--enable-continuous-cloudwatch-log": "true",
        "--enable-glue-datacatalog": "true",
        "--enable-spark-ui": "false",
    }
    assert applied.client("glue").get_tags(ResourceArn=f"arn:aws:glue:us-east-1:{ACCOUNT_ID}:job/{JOB}")[
        "Tags"
    ] == {
        "managed_by": "contractforge",
        "project": "cf-minimal",
    }


@pytest.mark.parametrize(
    ("key", "local_file", "content_type"),
    [
        ("runtime/contractforge_runner.py", "contractforge_runner.py", "text/x-python"),
        ("plans/bronze_orders.json", "bronze_orders.json", "application/json"),
    ],
)
def test_artifacts_are_uploaded_byte_for_byte(
    applied: AppliedRoot, key: str, local_file: str, content_type: str
) -> None:
    s3 = applied.client("s3")
    obj = s3.get_object(Bucket=BUCKET, Key=PREFIX + key)
    body = obj["Body"].read()
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256((FILES / local_file).read_bytes()).hexdigest()
    assert obj["ContentType"] == content_type
    assert obj["ServerSideEncryption"] == "AES256"
    assert applied.outputs["artifact_uris"][key] == f"s3://{BUCKET}/{PREFIX}{key}"


def test_glue_role_trusts_glue_and_carries_the_compiled_policy(applied: AppliedRoot) -> None:
    iam = applied.client("iam")
    role = iam.get_role(RoleName="cf-minimal-glue")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "glue.amazonaws.com"}
    assert iam.list_role_policies(RoleName="cf-minimal-glue")["PolicyNames"] == ["contractforge-glue-runner"]
    policy = iam.get_role_policy(RoleName="cf-minimal-glue", PolicyName="contractforge-glue-runner")[
        "PolicyDocument"
    ]
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert set(statements) == {"ReadArtifacts", "WriteWarehouse", "ListBucket", "Catalog"}
    assert statements["ReadArtifacts"]["Resource"] == [f"arn:aws:s3:::{BUCKET}/{PREFIX}*"]


def test_catalog_databases_live_under_the_warehouse(applied: AppliedRoot) -> None:
    databases = {d["Name"]: d for d in applied.client("glue").get_databases()["DatabaseList"]}
    assert set(databases) == {"contractforge_minimal_bronze", "contractforge_minimal_ops"}
    for name, database in databases.items():
        assert database["LocationUri"] == f"{WAREHOUSE}{name}.db/"
    assert (
        databases["contractforge_minimal_ops"]["Description"] == "ContractForge evidence (ctrl_ingestion_*)"
    )


def test_state_machine_runs_the_job_with_logging_tracing_and_a_scoped_role(applied: AppliedRoot) -> None:
    sfn = applied.client("stepfunctions")
    machine = sfn.describe_state_machine(stateMachineArn=applied.outputs["state_machine_arn"])
    definition = json.loads(machine["definition"])
    assert definition["States"]["bronze_orders"]["Resource"] == "arn:aws:states:::glue:startJobRun.sync"
    assert definition["States"]["bronze_orders"]["Parameters"] == {"JobName": JOB}
    assert machine["loggingConfiguration"]["level"] == "ALL"
    assert machine["tracingConfiguration"] == {"enabled": True}
    iam = applied.client("iam")
    role_name = machine["roleArn"].rsplit("/", 1)[1]
    policy = iam.get_role_policy(RoleName=role_name, PolicyName="run-glue-jobs")["PolicyDocument"]
    glue = next(s for s in policy["Statement"] if s["Sid"] == "RunGlueJobs")
    assert glue["Resource"] == [f"arn:aws:glue:us-east-1:{ACCOUNT_ID}:job/{JOB}"]
    assert (
        applied.client("logs").describe_log_groups(logGroupNamePrefix="/aws/vendedlogs/states/cf-minimal")[
            "logGroups"
        ][0]["retentionInDays"]
        == 365
    )


def test_schedule_starts_the_state_machine_in_its_time_zone(applied: AppliedRoot) -> None:
    schedule = applied.client("scheduler").get_schedule(Name="cf-minimal-daily", GroupName="default")
    assert schedule["ScheduleExpression"] == "cron(30 6 ? * MON-FRI *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Paris"
    assert schedule["State"] == "ENABLED"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}
    assert schedule["Target"]["Arn"] == applied.outputs["state_machine_arn"]
    assert schedule["Target"]["RetryPolicy"] == {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 3}
    role_name = schedule["Target"]["RoleArn"].rsplit("/", 1)[1]
    policy = applied.client("iam").get_role_policy(RoleName=role_name, PolicyName="start-state-machine")
    statement = policy["PolicyDocument"]["Statement"][0]
    assert (statement["Action"], statement["Resource"]) == (
        "states:StartExecution",
        applied.outputs["state_machine_arn"],
    )


def test_lake_formation_grants_the_glue_role_on_both_databases(applied: AppliedRoot) -> None:
    listed = applied.client("lakeformation").list_permissions()["PrincipalResourcePermissions"]
    grants = [g for g in listed if {"Database", "Table"} & set(g["Resource"])]
    role_arn = applied.outputs["glue_role_arn"]
    databases = {g["Resource"]["Database"]["Name"] for g in grants if "Database" in g["Resource"]}
    tables = {g["Resource"]["Table"]["DatabaseName"] for g in grants if "Table" in g["Resource"]}
    assert databases == tables == {"contractforge_minimal_bronze", "contractforge_minimal_ops"}
    assert {g["Principal"]["DataLakePrincipalIdentifier"] for g in grants} == {role_arn}


def test_lf_tags_and_a_tag_expression_grant(applied: AppliedRoot) -> None:
    lakeformation = applied.client("lakeformation")
    tags = {t["TagKey"]: t["TagValues"] for t in lakeformation.list_lf_tags()["LFTags"]}
    assert tags == {"pii_type": ["email"]}
    listed = lakeformation.list_permissions()["PrincipalResourcePermissions"]
    on_tags = [g for g in listed if "LFTagPolicy" in g["Resource"]]
    analysts = [
        g for g in on_tags if g["Principal"]["DataLakePrincipalIdentifier"].endswith(":role/analysts")
    ]
    assert [sorted(g["Permissions"]) for g in analysts] == [["DESCRIBE", "SELECT"]]
    assert analysts[0]["Resource"]["LFTagPolicy"]["Expression"] == [
        {"TagKey": "pii_type", "TagValues": ["email"]}
    ]


def test_the_dashboard_holds_every_widget(applied: AppliedRoot) -> None:
    assert applied.outputs["dashboard_name"] == "cf-minimal-dashboard"
    body = json.loads(
        applied.client("cloudwatch").get_dashboard(DashboardName="cf-minimal-dashboard")["DashboardBody"]
    )
    titles = [w["properties"].get("title") for w in body["widgets"] if w["type"] == "metric"]
    assert titles == [
        "Run succeeded (1) or not (0), per target",
        "Rows written per target",
        "Rows quarantined per target",
        "Run duration (s) per target",
        "Glue job elapsed time (ms)",
        "Glue failed tasks",
        "Step Functions executions",
    ]
    succeeded = body["widgets"][1]["properties"]["metrics"]
    assert succeeded[0] == [
        "ContractForge", "TargetSucceeded", "Project", "cf-minimal",
        "Target", "contractforge_minimal_bronze.b_orders", {"label": "bronze_orders"},
    ]  # fmt: skip
    states = body["widgets"][-1]["properties"]["metrics"]
    assert [
        "AWS/States",
        "ExecutionsFailed",
        "StateMachineArn",
        applied.outputs["state_machine_arn"],
        {"label": "ExecutionsFailed"},
    ] in states


def test_lock_table_and_alerts_exist(applied: AppliedRoot) -> None:
    table = applied.client("dynamodb").describe_table(TableName="cf-minimal-locks")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "target", "KeyType": "HASH"}]
    topics = [t["TopicArn"] for t in applied.client("sns").list_topics()["Topics"]]
    assert [t for t in topics if t.endswith(":cf-minimal-alerts")]
    alarms = applied.client("cloudwatch").describe_alarms()["MetricAlarms"]
    freshness = [a for a in alarms if a["MetricName"] == "TargetSucceeded"]
    assert len(freshness) == 1 and freshness[0]["TreatMissingData"] == "breaching"
    rules = applied.client("events").list_rules()["Rules"]
    assert len(rules) >= 2  # Glue job and Step Functions execution failures


def test_a_second_plan_shows_no_changes(applied: AppliedRoot) -> None:
    code, output = applied.plan_exit_code()
    assert code == 0, output
    assert "No changes." in output


def test_an_execution_of_the_applied_state_machine_runs_the_glue_job(applied: AppliedRoot) -> None:
    sfn = applied.client("stepfunctions")
    arn = sfn.start_execution(stateMachineArn=applied.outputs["state_machine_arn"], input="{}")[
        "executionArn"
    ]
    status = wait_for_execution(sfn, arn)
    assert status == "SUCCEEDED"
    runs = applied.client("glue").get_job_runs(JobName=JOB)["JobRuns"]
    assert [run["JobRunState"] for run in runs] == ["SUCCEEDED"]


def wait_for_execution(sfn, arn: str, polls: int = 300) -> str:
    """Poll until the execution leaves RUNNING (bounded by a number of polls, not by time)."""
    import time

    for _ in range(polls):
        status = sfn.describe_execution(executionArn=arn)["status"]
        if status != "RUNNING":
            return status
        time.sleep(0.2)
    return "RUNNING"


def test_table_maintenance_runs_athena_statements_on_a_schedule(applied: AppliedRoot) -> None:
    sfn = applied.client("stepfunctions")
    machine = next(
        m for m in sfn.list_state_machines()["stateMachines"] if m["name"].endswith("-maintenance")
    )
    definition = json.loads(
        sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])["definition"]
    )
    states = [definition["States"][name] for name in sorted(definition["States"]) if name != "Done"]
    assert {state["Resource"] for state in states} == {"arn:aws:states:::athena:startQueryExecution.sync"}
    assert [state["Parameters"]["QueryString"].split()[0] for state in states] == [
        "ALTER",
        "OPTIMIZE",
        "VACUUM",
    ]
    assert [state["Next"] for state in states] == ["Statement001", "Statement002", "Done"]
    assert definition["States"]["Done"] == {"Type": "Succeed"}
    schedule = applied.client("scheduler").get_schedule(Name=machine["name"])
    assert schedule["ScheduleExpression"] == "cron(0 3 ? * SUN *)"
    assert schedule["Target"]["Arn"] == machine["stateMachineArn"]
