"""``parameters.aws.write`` is the base of every step's ``extensions.aws.write`` (the contract's key
wins); a key no step's mode reads is a diagnostic, in the environment and in the contract."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from contractforge.api import plan_project

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "customers-history"
CURRENT = "contracts/aws/silver/s_customers_current/s_customers_current.ingestion.yaml"


def _project(tmp_path: Path, env_write: dict, contract_write: dict | None) -> Path:
    project = tmp_path / "customers-history"
    shutil.copytree(EXAMPLE, project)
    env_file = project / "environments" / "aws.environment.yaml"
    env = yaml.safe_load(env_file.read_text())
    env["parameters"]["aws"]["write"] = env_write
    env_file.write_text(yaml.safe_dump(env, sort_keys=False))
    contract_file = project / CURRENT
    contract = yaml.safe_load(contract_file.read_text())
    if contract_write is None:
        contract.pop("extensions")
    else:
        contract["extensions"]["aws"]["write"] = contract_write
    contract_file.write_text(yaml.safe_dump(contract, sort_keys=False))
    return project


def _write(plan, step: str) -> dict:
    return next(s for s in plan.steps if s.name == step).run_plan["write"]


def test_environment_write_settings_reach_the_snapshot_step(tmp_path):
    plan = plan_project(_project(tmp_path, {"max_delete_ratio": 0.2, "compare_columns": ["email"]}, None))
    write = _write(plan, "customers_current")
    assert write["max_delete_ratio"] == 0.2 and write["compare_columns"] == ["email"]
    assert "max_delete_ratio" not in _write(plan, "customers_history")  # historical reads neither
    assert not [d for d in plan.diagnostics if d.field and d.field.startswith("parameters.aws.write")]


def test_the_contract_wins_over_the_environment(tmp_path):
    project = _project(
        tmp_path, {"max_delete_ratio": 0.2, "compare_columns": ["email"]}, {"max_delete_ratio": 0.9}
    )
    write = _write(plan_project(project), "customers_current")
    assert write["max_delete_ratio"] == 0.9 and write["compare_columns"] == ["email"]


def test_settings_no_mode_reads_are_diagnosed(tmp_path):
    project = _project(tmp_path, {"max_delete_ratio": 0.2}, {"compare_columns": ["email"]})
    contract_file = project / CURRENT
    contract = yaml.safe_load(contract_file.read_text())
    contract["mode"] = "append"
    contract_file.write_text(yaml.safe_dump(contract, sort_keys=False))
    plan = plan_project(project)
    said = {(d.code, d.field) for d in plan.diagnostics}
    assert ("AWS_ENVIRONMENT_KEY_NOT_USED", "parameters.aws.write.max_delete_ratio") in said
    step = next(s for s in plan.steps if s.name == "customers_current")
    assert ("AWS_EXTENSION_NOT_READ", "extensions.aws.write.compare_columns") in {
        (d.code, d.field) for d in step.diagnostics
    }
    assert "compare_columns" not in step.run_plan["write"]
