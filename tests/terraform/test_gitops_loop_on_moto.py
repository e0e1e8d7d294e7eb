"""Issue 7, the GitOps loop against moto: ``contractforge compile`` each example project, ``terraform
apply`` the compiled root (real provider, vendored modules), then operate it with the ops commands
(``run --wait``, ``run --orchestration --wait``, ``record-cost``, ``audit``) on the same fake AWS,
and finish with a second ``terraform plan`` that shows no changes.

moto never executes the runner, so the evidence tables stay empty: the loop proves the control
plane (what Terraform created is what the commands find and drive), not the data plane.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from contractforge.api import plan_project
from contractforge.cli.main import main
from contractforge.project_plan import ProjectPlan

from tests.terraform.applied_root import AppliedRoot, apply_to_moto, aws_client
from tests.terraform.figures import record
from tests.terraform.layout import REPO_ROOT
from tests.terraform.moto_server import DUMMY_CREDENTIALS, REGION, patch_moto_for_terraform
from tests.terraform.provider_schema import check_document
from tests.terraform.tf_cli import Terraform

pytestmark = [pytest.mark.terraform, pytest.mark.aws]

EXAMPLES = ("orders-medallion", "api-and-postgres")
# The project schedules (standard cron) as EventBridge Scheduler must hold them (day-of-week 1 = Sunday).
EXPECTED_SCHEDULES = {
    "orders-medallion": ("cron(30 5 * * ? *)", "Europe/Lisbon", "ENABLED"),  # 30 5 * * *
    "api-and-postgres": (
        "cron(0 7 ? * 2-6 *)",
        "America/New_York",
        "DISABLED",
    ),  # 0 7 * * 1-5, enabled: false
}


@dataclass(frozen=True)
class Loop:
    example: str
    project: Path
    plan: ProjectPlan
    applied: AppliedRoot

    @property
    def artifact_bucket(self) -> str:
        return self.plan.artifacts_uri.removeprefix("s3://").split("/", 1)[0]

    @property
    def steps(self) -> list[str]:
        return [step.name for step in self.plan.steps]


@pytest.fixture(scope="module", params=EXAMPLES)
def loop(request, terraform: Terraform, moto_server, tmp_path_factory: pytest.TempPathFactory) -> Loop:
    example = request.param
    project = REPO_ROOT / "examples" / example
    plan = plan_project(str(project))
    with pytest.MonkeyPatch.context() as env:
        for key, value in {**DUMMY_CREDENTIALS, "AWS_DEFAULT_REGION": REGION}.items():
            env.setenv(key, value)
        env.delenv("AWS_PROFILE", raising=False)
        env.delenv("AWS_SESSION_TOKEN", raising=False)
        patch_moto_for_terraform()
        moto_server.reset()
        moto_server.enable_stepfunctions_execution()  # before apply (moto keeps two SFN backends)
        for uri in (plan.artifacts_uri, plan.warehouse):  # the environment's buckets exist already
            aws_client(moto_server, "s3").create_bucket(Bucket=uri.removeprefix("s3://").split("/", 1)[0])
        build = tmp_path_factory.mktemp(example) / "build"
        # the product's own test override (compile --endpoint-url), not the harness's
        compile_args = ["compile", str(project), "--env", "aws", "--out", str(build)]
        assert main([*compile_args, "--endpoint-url", moto_server.endpoint_url]) == 0
        assert (build / "endpoints_override.tf.json").is_file()
        applied = apply_to_moto(terraform, build, moto_server, write_override=False)
        record(f"resources of the compiled {example} root applied to moto", len(applied.resource_addresses))
        yield Loop(example, project, plan, applied)
        moto_server.reset()


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip().startswith("{") else {"text": out}


def ops_flags(loop: Loop) -> list[str]:
    return ["--endpoint-url", loop.applied.fake.endpoint_url]


def run_flags(loop: Loop) -> list[str]:
    return [*ops_flags(loop), "--poll-interval-seconds", "0.05", "--max-wait-seconds", "300", "--json"]


def test_the_compiled_root_conforms_to_the_provider_schema(loop: Loop) -> None:
    document = json.loads((loop.applied.root / "main.tf.json").read_text(encoding="utf-8"))
    assert check_document(document) == []
    assert {address.split(".")[1].split("[")[0] for address in loop.applied.resource_addresses} >= {
        "artifacts",
        "catalog",
        "glue_jobs",
        "glue_roles",
        "orchestration",
        "schedule",
    }


def test_each_job_points_at_the_uploaded_bytes_of_its_reviewed_artifacts(loop: Loop) -> None:
    glue, s3 = loop.applied.client("glue"), loop.applied.client("s3")
    prefix = f"s3://{loop.artifact_bucket}/"
    for step in loop.plan.steps:
        job = glue.get_job(JobName=step.glue.name)["Job"]
        plan_key = job["DefaultArguments"]["--CONTRACTFORGE_PLAN_URI"].removeprefix(prefix)
        uploaded_plan = s3.get_object(Bucket=loop.artifact_bucket, Key=plan_key)["Body"].read()
        local_plan = (loop.applied.root / "artifacts" / "plans" / f"{step.name}.json").read_bytes()
        assert hashlib.sha256(uploaded_plan).hexdigest() == hashlib.sha256(local_plan).hexdigest()
        assert json.loads(uploaded_plan)["step"]["name"] == step.name
        script_key = job["Command"]["ScriptLocation"].removeprefix(prefix)
        zip_key = job["DefaultArguments"]["--extra-py-files"].split(",")[0].removeprefix(prefix)
        for key in (script_key, zip_key):
            assert s3.head_object(Bucket=loop.artifact_bucket, Key=key)["ContentLength"] > 0
        assert job["DefaultArguments"]["--datalake-formats"] == "iceberg"
        assert job.get("Connections", {}).get("Connections", []) == list(step.glue.connections)


def test_the_schedule_holds_the_project_cron_in_scheduler_syntax(loop: Loop) -> None:
    schedule = loop.applied.client("scheduler").get_schedule(Name=loop.plan.schedule.name)
    expression, timezone, state = EXPECTED_SCHEDULES[loop.example]
    assert (schedule["ScheduleExpression"], schedule["ScheduleExpressionTimezone"]) == (expression, timezone)
    assert schedule["State"] == state
    assert schedule["Target"]["Arn"].endswith(f":stateMachine:{loop.plan.state_machine_name}")


def test_run_wait_starts_every_job(loop: Loop, capsys) -> None:
    code, out = cli(capsys, "run", str(loop.project), "--wait", *run_flags(loop))
    assert code == 0, out
    assert {s["step"]: s["result"] for s in out["steps"]} == {step: "SUCCESS" for step in loop.steps}


def test_run_orchestration_wait_executes_the_applied_state_machine(loop: Loop, capsys) -> None:
    flags = ("--orchestration", "--wait", "--execution-key", "loop")
    code, out = cli(capsys, "run", str(loop.project), *flags, *run_flags(loop))
    assert code == 0, out
    assert out["execution_status"] == "SUCCEEDED"
    assert {s["step"]: s["result"] for s in out["steps"]} == {step: "SUCCESS" for step in loop.steps}
    assert all(s["glue_run_id"] for s in out["steps"])


def test_record_cost_records_every_finished_run(loop: Loop, capsys) -> None:
    first = loop.steps[0]
    code, _ = cli(capsys, "run", str(loop.project), "--wait", "--steps", first, *run_flags(loop))
    assert code == 0
    code, out = cli(capsys, "record-cost", str(loop.project), "--steps", first, "--json", *ops_flags(loop))
    assert code == 0
    assert out["results"] and {r["status"] for r in out["results"]} == {"RECORDED"}
    athena = loop.applied.client("athena")
    inserts = [q for q in loop.applied.fake.athena_queries(athena) if q.startswith("INSERT INTO")]
    assert any(f'"{loop.plan.evidence_database}".ctrl_ingestion_cost' in q for q in inserts)


def test_audit_reads_the_evidence_database_through_athena(loop: Loop, capsys) -> None:
    code, report = cli(capsys, "audit", str(loop.project), "--no-freshness", "--json", *ops_flags(loop))
    assert code == 0, report
    code, report = cli(capsys, "audit", str(loop.project), "--json", *ops_flags(loop))
    # moto never runs the runner, so no run rows reach the evidence tables: every SLA is breached.
    assert code == 1 and {v["check"] for v in report["violations"]} == {"freshness"}


def test_the_lock_table_excludes_a_second_run_and_the_locks_command_lists_the_holder(
    loop: Loop, capsys
) -> None:
    """The table the root created (key, TTL, point-in-time recovery, encryption) is the runtime's lock
    store: the store the run plans name, used through boto3, lets one run in and names it."""
    from contractforge_runtime.reliability import locks
    from contractforge_runtime.reliability.lock_dynamodb import DynamoDbLockStore
    from contractforge_runtime.reliability.lock_store import Holder

    dynamodb = loop.applied.client("dynamodb")
    run_plan = json.loads((loop.applied.root / "artifacts" / "plans" / f"{loop.steps[0]}.json").read_text())
    table = run_plan["run"]["lock_table"]
    assert table == loop.applied.outputs["lock_table_name"]
    described = dynamodb.describe_table(TableName=table)["Table"]
    assert described["KeySchema"] == [{"AttributeName": "target", "KeyType": "HASH"}]
    assert described["SSEDescription"]["Status"] == "ENABLED"
    ttl = dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")
    backups = dynamodb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"

    store = DynamoDbLockStore(table, dynamodb=dynamodb, glue=loop.applied.client("glue"))
    target = run_plan["target"]["identifier"]
    job = loop.plan.steps[0].glue.name
    held = locks.acquire(store, target, Holder("run-1", job_name=job, job_run_id="jr_not_in_glue"))
    with pytest.raises(
        locks.LockHeld, match=f"locked by run run-1 \\(Glue job run jr_not_in_glue of job {job}\\)"
    ):
        locks.acquire(store, target, Holder("run-2", job_name=job, job_run_id="jr_2"))
    code, out = cli(capsys, "locks", str(loop.project), "--env", "aws", *ops_flags(loop), "--json")
    assert code == 0 and [(lock["target_table"], lock["run_id"]) for lock in out["locks"]] == [
        (target, "run-1")
    ]
    held.release()


def test_a_second_plan_after_operating_shows_no_changes(loop: Loop) -> None:
    code, output = loop.applied.plan_exit_code()
    assert code == 0, output
