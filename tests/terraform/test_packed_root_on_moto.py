"""A packed layout through the GitOps loop on moto: orders-medallion with ``packing: project``
compiled, validated with the real provider and applied; ``run --wait``, ``run --orchestration --wait``
and ``record-cost`` then report and cost every step of the one packed job run.

moto never executes the runner, so no step durations reach the evidence: cost is split equally
(docs/cost.md); the measured split is unit-tested in tests/ops/test_packed_runs.py.
"""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from contractforge.api import plan_project
from contractforge.cli.main import main

from tests.terraform.applied_root import apply_to_moto, aws_client
from tests.terraform.layout import REPO_ROOT
from tests.terraform.moto_server import DUMMY_CREDENTIALS, REGION, patch_moto_for_terraform
from tests.terraform.provider_schema import check_document

pytestmark = [pytest.mark.terraform, pytest.mark.aws]

STEPS = ("bronze_orders", "silver_orders", "gold_daily_revenue")


@pytest.fixture(scope="module")
def packed(terraform, moto_server, tmp_path_factory):
    project = tmp_path_factory.mktemp("packed") / "orders-medallion"
    shutil.copytree(REPO_ROOT / "examples" / "orders-medallion", project)
    env_file = project / "environments" / "aws.environment.yaml"
    env = yaml.safe_load(env_file.read_text())
    env["parameters"]["aws"]["packing"] = "project"
    env_file.write_text(yaml.safe_dump(env))
    plan = plan_project(str(project))
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {**DUMMY_CREDENTIALS, "AWS_DEFAULT_REGION": REGION}.items():
            patch.setenv(key, value)
        patch.delenv("AWS_PROFILE", raising=False)
        patch_moto_for_terraform()
        moto_server.reset()
        moto_server.enable_stepfunctions_execution()
        for uri in (plan.artifacts_uri, plan.warehouse):
            aws_client(moto_server, "s3").create_bucket(Bucket=uri.removeprefix("s3://").split("/", 1)[0])
        build = project.parent / "build"
        args = ["compile", str(project), "--env", "aws", "--out", str(build)]
        assert main([*args, "--endpoint-url", moto_server.endpoint_url]) == 0
        applied = apply_to_moto(terraform, build, moto_server, write_override=False)
        yield project, plan, applied
        moto_server.reset()


def _cli(capsys, *argv):
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip().startswith("{") else {"text": out}


def _flags(applied):
    return ["--endpoint-url", applied.fake.endpoint_url]


def _run_flags(applied):
    return [*_flags(applied), "--poll-interval-seconds", "0.05", "--max-wait-seconds", "300", "--json"]


def test_one_job_and_one_role_hold_the_pack(packed, terraform):
    project, plan, applied = packed
    document = json.loads((applied.root / "main.tf.json").read_text())
    assert check_document(document) == []
    assert "Success" in terraform.validate(applied.root).stdout  # the real provider's schema
    assert list(document["locals"]["glue_jobs"]) == ["project"]
    glue = applied.client("glue")
    job = glue.get_job(JobName="orders_medallion-pack-project")["Job"]
    assert job["DefaultArguments"]["--CONTRACTFORGE_PLAN_URI"].endswith("/packs/project.json")
    policy = json.loads((applied.root / "artifacts/review/packs/project/iam_policy.json").read_text())
    actions = [a for s in policy["Statement"] for a in s["Action"]]
    assert "*" not in actions and not any(a.endswith(":*") for a in actions)
    for step in STEPS:  # every step's own policy is inside the union
        own = json.loads((applied.root / f"artifacts/review/{step}/iam_policy.json").read_text())
        granted = {(a, r) for s in policy["Statement"] for a in s["Action"] for r in s["Resource"]}
        assert {(a, r) for s in own["Statement"] for a in s["Action"] for r in s["Resource"]} <= granted


def test_run_wait_and_record_cost_report_every_step(packed, capsys):
    project, plan, applied = packed
    code, out = _cli(capsys, "run", str(project), "--wait", "--record-cost", *_run_flags(applied))
    assert code == 0, out
    assert {s["step"]: (s["result"], s["pack"]) for s in out["steps"]} == {
        s: ("SUCCESS", "project") for s in STEPS
    }
    [glue_run] = {s["glue_run_id"] for s in out["steps"]}
    assert {s["run_id"] for s in out["steps"]} == {
        f"orders_medallion-pack-project:{glue_run}:{s}" for s in STEPS
    }
    [cost] = out["cost"]
    assert cost["status"] == "RECORDED"
    per_step = {k.split("/")[0].rsplit(":", 1)[1] for k in cost["signals"]}
    assert per_step == set(STEPS)
    athena = applied.client("athena")
    inserts = [q for q in applied.fake.athena_queries(athena) if q.startswith("INSERT INTO")]
    assert any("ctrl_ingestion_cost" in q and ":bronze_orders'" in q for q in inserts)


def test_orchestrated_run_reports_every_step(packed, capsys):
    project, plan, applied = packed
    flags = ("--orchestration", "--wait", "--execution-key", "packed")
    code, out = _cli(capsys, "run", str(project), *flags, *_run_flags(applied))
    assert code == 0, out
    assert out["execution_status"] == "SUCCEEDED"
    assert {s["step"]: s["result"] for s in out["steps"]} == {s: "SUCCESS" for s in STEPS}
