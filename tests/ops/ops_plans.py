"""Hand-built ProjectPlans for ops tests (the planner is another module's business)."""

from __future__ import annotations

from pathlib import Path

from contractforge.project_plan import SUPPORTED, GlueJobSettings, ProjectPlan, StepPlan

WAREHOUSE = "s3://ops-test-lake/warehouse/"
EVIDENCE_DB = "cf_ops_test_ops"


def make_step(
    name: str,
    depends_on=(),
    expected_result: str = "success",
    *,
    job_name: str | None = None,
    worker_type: str = "G.1X",
    workers: int = 2,
    freshness_sla_minutes: int | None = None,
) -> StepPlan:
    table = f"t_{name}"
    identifier = f"glue_catalog.cf_ops_test.{table}"
    run_plan = {
        "kind": "contractforge.aws.run_plan",
        "plan_version": 1,
        "step": {"name": name, "depends_on": list(depends_on), "expected_result": expected_result},
        "target": {"identifier": identifier, "database": "cf_ops_test", "table": table},
        "evidence": {"database": EVIDENCE_DB, "location": f"{WAREHOUSE}{EVIDENCE_DB}.db/"},
        "metadata": {"freshness_sla_minutes": freshness_sla_minutes},
    }
    return StepPlan(
        name=name,
        layer="bronze",
        depends_on=tuple(depends_on),
        expected_result=expected_result,
        status=SUPPORTED,
        diagnostics=(),
        contract_path=f"contracts/aws/{name}.ingestion.yaml",
        target_identifier=identifier,
        target_database="cf_ops_test",
        glue=GlueJobSettings(
            name=job_name or f"cf-ops-test-{name.replace('_', '-')}",
            worker_type=worker_type,
            number_of_workers=workers,
        ),
        run_plan=run_plan,
    )


def make_plan(*steps: StepPlan, name: str = "ops_test", region: str = "us-east-1") -> ProjectPlan:
    return ProjectPlan(
        name=name,
        root=Path("/nonexistent/ops_test"),
        environment_key="aws",
        region=region,
        artifacts_uri="s3://ops-test-artifacts/contractforge/ops_test/",
        warehouse=WAREHOUSE,
        evidence_database=EVIDENCE_DB,
        steps=tuple(steps),
        state_machine_name="cf-ops-test-orchestration",
    )


def create_jobs(glue_client, plan: ProjectPlan) -> None:
    """What `terraform apply` would have registered: one Glue job per step."""
    for step in plan.steps:
        glue_client.create_job(
            Name=step.glue.name,
            Role="arn:aws:iam::123456789012:role/cf-ops-test-glue",
            Command={"Name": "glueetl", "ScriptLocation": "s3://ops-test-artifacts/runtime/entry.py"},
            GlueVersion=step.glue.glue_version,
            WorkerType=step.glue.worker_type,
            NumberOfWorkers=step.glue.number_of_workers,
        )


def create_state_machine(sfn_client, plan: ProjectPlan) -> str:
    """A wave-per-dependency-level definition like the compiler's (Task or Parallel of .sync tasks)."""
    import json

    def task(step: StepPlan) -> dict:
        return {
            "Type": "Task",
            "Resource": "arn:aws:states:::glue:startJobRun.sync",
            "Parameters": {
                "JobName": step.glue.name,
                "Arguments": {"--CONTRACTFORGE_MASTER_RUN_ID.$": "$$.Execution.Id"},
            },
        }

    done: set[str] = set()
    waves: list[list[StepPlan]] = []
    while len(done) < len(plan.steps):
        wave = [s for s in plan.steps if s.name not in done and set(s.depends_on) <= done]
        waves.append(wave)
        done |= {s.name for s in wave}
    states = {}
    for index, wave in enumerate(waves, start=1):
        if len(wave) == 1:
            state = {**task(wave[0]), "ResultPath": f"$.{wave[0].name}"}
        else:
            state = {
                "Type": "Parallel",
                "ResultPath": f"$.Wave{index}",
                "Branches": [{"StartAt": s.name, "States": {s.name: {**task(s), "End": True}}} for s in wave],
            }
        state.update({"Next": f"Wave{index + 1}"} if index < len(waves) else {"End": True})
        states[f"Wave{index}"] = state
    definition = {"Comment": plan.name, "StartAt": "Wave1", "States": states}
    return sfn_client.create_state_machine(
        name=plan.state_machine_name,
        definition=json.dumps(definition),
        roleArn="arn:aws:iam::123456789012:role/cf-ops-test-sfn",
    )["stateMachineArn"]
