"""Issue 7, the GitOps loop against moto: ``contractforge compile`` an example project, ``terraform
apply`` the compiled root (real provider, vendored modules), then operate it with the ops commands
(``run --wait``, ``run --orchestration --wait``, ``record-cost``, ``audit``) on the same fake AWS,
and finish with a second ``terraform plan`` that shows no changes.

moto never executes the runner, so the evidence tables stay empty: the loop proves the control
plane (what Terraform created is what the commands find and drive), not the data plane.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from contractforge.cli.main import main

from tests.terraform.applied_root import AppliedRoot, apply_to_moto, aws_client
from tests.terraform.figures import record
from tests.terraform.layout import REPO_ROOT
from tests.terraform.moto_server import DUMMY_CREDENTIALS, REGION, patch_moto_for_terraform
from tests.terraform.provider_schema import check_document
from tests.terraform.tf_cli import Terraform

pytestmark = [pytest.mark.terraform, pytest.mark.aws]

EXAMPLE = REPO_ROOT / "examples" / "orders-medallion"
ARTIFACT_BUCKET = "orders-medallion-artifacts-us-east-1"
LAKE_BUCKET = "orders-medallion-lake-us-east-1"
STEPS = ["bronze_orders", "silver_orders", "gold_daily_revenue"]


@pytest.fixture(scope="module")
def loop(terraform: Terraform, moto_server, tmp_path_factory: pytest.TempPathFactory) -> AppliedRoot:
    with pytest.MonkeyPatch.context() as env:
        for key, value in {**DUMMY_CREDENTIALS, "AWS_DEFAULT_REGION": REGION}.items():
            env.setenv(key, value)
        env.delenv("AWS_PROFILE", raising=False)
        env.delenv("AWS_SESSION_TOKEN", raising=False)
        patch_moto_for_terraform()
        moto_server.reset()
        moto_server.enable_stepfunctions_execution()  # before apply (moto keeps two SFN backends)
        for bucket in (ARTIFACT_BUCKET, LAKE_BUCKET):  # the environment's buckets exist already
            aws_client(moto_server, "s3").create_bucket(Bucket=bucket)
        build = tmp_path_factory.mktemp("loop") / "build"
        assert main(["compile", str(EXAMPLE), "--env", "aws", "--out", str(build)]) == 0
        applied = apply_to_moto(terraform, build, moto_server)
        record(
            "resources of the compiled orders-medallion root applied to moto", len(applied.resource_addresses)
        )
        yield applied
        moto_server.reset()


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip().startswith("{") else {"text": out}


def ops_flags(loop: AppliedRoot) -> list[str]:
    return ["--endpoint-url", loop.fake.endpoint_url]


def run_flags(loop: AppliedRoot) -> list[str]:
    return [*ops_flags(loop), "--poll-interval-seconds", "0.05", "--max-wait-seconds", "300", "--json"]


def test_the_compiled_root_conforms_to_the_provider_schema(loop: AppliedRoot) -> None:
    document = json.loads((loop.root / "main.tf.json").read_text(encoding="utf-8"))
    assert check_document(document) == []
    assert {address.split(".")[1].split("[")[0] for address in loop.resource_addresses} >= {
        "artifacts",
        "catalog",
        "glue_jobs",
        "glue_roles",
        "orchestration",
        "schedule",
    }


@pytest.mark.parametrize("step", STEPS)
def test_each_job_points_at_the_uploaded_bytes_of_its_reviewed_artifacts(
    loop: AppliedRoot, step: str
) -> None:
    job = loop.client("glue").get_job(JobName=f"orders_medallion-{step}")["Job"]
    s3 = loop.client("s3")
    prefix = f"s3://{ARTIFACT_BUCKET}/"
    plan_key = job["DefaultArguments"]["--CONTRACTFORGE_PLAN_URI"].removeprefix(prefix)
    uploaded_plan = s3.get_object(Bucket=ARTIFACT_BUCKET, Key=plan_key)["Body"].read()
    local_plan = (loop.root / "artifacts" / "plans" / f"{step}.json").read_bytes()
    assert hashlib.sha256(uploaded_plan).hexdigest() == hashlib.sha256(local_plan).hexdigest()
    assert json.loads(uploaded_plan)["step"]["name"] == step
    script_key = job["Command"]["ScriptLocation"].removeprefix(prefix)
    zip_key = job["DefaultArguments"]["--extra-py-files"].split(",")[0].removeprefix(prefix)
    for key in (script_key, zip_key):
        assert s3.head_object(Bucket=ARTIFACT_BUCKET, Key=key)["ContentLength"] > 0
    assert job["DefaultArguments"]["--datalake-formats"] == "iceberg"


def test_run_wait_starts_every_job_in_dependency_order(loop: AppliedRoot, capsys) -> None:
    code, out = cli(capsys, "run", str(EXAMPLE), "--wait", *run_flags(loop))
    assert code == 0, out
    assert [(s["step"], s["result"]) for s in out["steps"]] == [(step, "SUCCESS") for step in STEPS]


def test_run_orchestration_wait_executes_the_applied_state_machine(loop: AppliedRoot, capsys) -> None:
    code, out = cli(
        capsys, "run", str(EXAMPLE), "--orchestration", "--wait", "--execution-key", "loop", *run_flags(loop)
    )
    assert code == 0, out
    assert out["execution_status"] == "SUCCEEDED"
    assert [s["result"] for s in out["steps"]] == ["SUCCESS"] * len(STEPS)
    assert all(s["glue_run_id"] for s in out["steps"])


def test_record_cost_records_every_finished_run(loop: AppliedRoot, capsys) -> None:
    code, _ = cli(capsys, "run", str(EXAMPLE), "--wait", "--steps", "bronze_orders", *run_flags(loop))
    assert code == 0
    code, out = cli(
        capsys, "record-cost", str(EXAMPLE), "--steps", "bronze_orders", "--json", *ops_flags(loop)
    )
    assert code == 0
    assert out["results"] and {r["status"] for r in out["results"]} == {"RECORDED"}
    inserts = [q for q in loop.fake.athena_queries(loop.client("athena")) if q.startswith("INSERT INTO")]
    assert any('"shop_orders_ops".ctrl_ingestion_cost' in q for q in inserts)


def test_audit_reads_the_evidence_database_through_athena(loop: AppliedRoot, capsys) -> None:
    code, report = cli(capsys, "audit", str(EXAMPLE), "--no-freshness", "--json", *ops_flags(loop))
    assert code == 0, report
    code, report = cli(capsys, "audit", str(EXAMPLE), "--json", *ops_flags(loop))
    # moto never runs the runner, so no run rows reach the evidence tables: every SLA is breached.
    assert code == 1 and {v["check"] for v in report["violations"]} == {"freshness"}


def test_a_second_plan_after_operating_shows_no_changes(loop: AppliedRoot) -> None:
    code, output = loop.plan_exit_code()
    assert code == 0, output
