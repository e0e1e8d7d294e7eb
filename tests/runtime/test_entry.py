import json

import pytest
from contractforge_runtime import entry


def test_parse_job_arguments_accepts_both_spellings():
    args = entry.parse_job_arguments(
        ["--JOB_NAME", "job_a", "--JOB_RUN_ID=jr_1", "--CONTRACTFORGE_PLAN_URI", "s3://b/p.json", "--flag"]
    )
    assert args == {
        "JOB_NAME": "job_a",
        "JOB_RUN_ID": "jr_1",
        "CONTRACTFORGE_PLAN_URI": "s3://b/p.json",
        "flag": "",
    }


def test_load_plan_from_file_checks_kind_and_version(tmp_path):
    good = tmp_path / "plan.json"
    good.write_text(json.dumps({"kind": "contractforge.aws.run_plan", "plan_version": 1}))
    assert entry.load_plan(str(good))["plan_version"] == 1
    assert entry.load_plan(f"file://{good}")["kind"] == "contractforge.aws.run_plan"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"kind": "something"}))
    with pytest.raises(entry.PlanLoadError, match="not a ContractForge run plan"):
        entry.load_plan(str(bad))
    with pytest.raises(entry.PlanLoadError, match="not found"):
        entry.load_plan(str(tmp_path / "nope.json"))


class _FakeBody:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, size=-1):
        return self.data


class _S3:
    def __init__(self, data: bytes):
        self.data, self.calls = data, []

    def get_object(self, Bucket, Key):  # noqa: N803 - boto3's parameter names
        self.calls.append((Bucket, Key))
        return {"ContentLength": len(self.data), "Body": _FakeBody(self.data)}


def test_load_plan_from_s3_uses_bucket_and_key():
    client = _S3(json.dumps({"kind": "contractforge.aws.run_plan", "plan_version": 1}).encode())
    entry.load_plan("s3://bucket/artifacts/plans/step.json", s3_client=client)
    assert client.calls == [("bucket", "artifacts/plans/step.json")]


def test_glue_context_ids():
    plan = {"step": {"name": "step_a"}}
    ctx = entry.build_context(
        {"JOB_NAME": "job_a", "JOB_RUN_ID": "jr_42", "CONTRACTFORGE_RUN_GROUP_ID": "grp"}, plan, in_glue=True
    )
    assert ctx.run_id == "job_a:jr_42" and ctx.runtime_type == "aws_glue" and not ctx.paths.is_local
    assert (ctx.run_group_id, ctx.master_job_id, ctx.master_run_id) == ("grp", "job_a", "jr_42")
    local = entry.build_context({}, plan, in_glue=False)
    assert local.runtime_type == "local" and local.run_id.startswith("local:step_a:")
    assert local.run_id != entry.build_context({}, plan, in_glue=False).run_id


@pytest.mark.slow
def test_main_runs_a_plan_file_locally(spark, tmp_path, capsys):
    from tests.runtime.plan_factory import run_plan as make_plan

    db = "cf_test_entry"
    spark.sql(f"DROP NAMESPACE IF EXISTS glue_catalog.{db} CASCADE")
    spark.sql(f"DROP NAMESPACE IF EXISTS glue_catalog.{db}_ops CASCADE")
    landing = tmp_path / "s3" / "cf-test-bucket" / "in"
    landing.mkdir(parents=True)
    (landing / "a.json").write_text('{"id": 1, "v": "x"}\n{"id": 2, "v": "y"}\n')
    plan = make_plan(
        "entry",
        db,
        "b_entry",
        source={
            "type": "json",
            "family": "files",
            "format": "json",
            "path": "s3://cf-test-bucket/in/",
            "options": {},
        },
        write={"mode": "scd0_append"},
    )
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan))
    argv = [
        "runner.py",
        "--JOB_NAME",
        "entry_job",
        "--CONTRACTFORGE_PLAN_URI",
        str(plan_file),
        "--CONTRACTFORGE_S3_ROOT",
        str(tmp_path / "s3"),
    ]
    assert entry.main(argv) == 0
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (printed["status"], printed["rows_written"]) == ("SUCCESS", 2)
    assert spark.table(f"glue_catalog.{db}.b_entry").count() == 2
