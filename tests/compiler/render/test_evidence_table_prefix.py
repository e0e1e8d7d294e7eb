"""``evidence.table_prefix`` (the operations guide's configurable table names) reaches every place that
names an evidence table: the run plans (the runtime names the tables from them), the evidence DDL, the
job policies, the maintenance statements, ``contractforge sql`` and the ops backends."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from contractforge.api import plan_project
from contractforge.cli.main import main
from contractforge.ops import sql_catalog
from contractforge.ops.project import athena_settings
from contractforge.ops.sql_backends import render_sql
from contractforge.render.build import CompileOptions, render_build
from contractforge.render.inputs import load_module_files
from contractforge_runtime.evidence.schema import EVIDENCE_TABLES, physical_name

from tests.compiler.render.golden import FIXED_RUNTIME

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "customers-history"  # has maintenance
PREFIX = "acme_ctrl_"


def _project(tmp_path: Path, prefix: str | None = PREFIX) -> Path:
    project = tmp_path / "customers-history"
    shutil.copytree(EXAMPLE, project)
    env_file = project / "environments" / "aws.environment.yaml"
    env = yaml.safe_load(env_file.read_text())
    if prefix:
        env["evidence"]["table_prefix"] = prefix
    env_file.write_text(yaml.safe_dump(env, sort_keys=False))
    return project


def test_physical_names_replace_the_default_prefix():
    assert physical_name("ctrl_ingestion_runs", PREFIX) == "acme_ctrl_runs"
    assert physical_name("ctrl_ingestion_deployment_versions", PREFIX) == "acme_ctrl_deployment_versions"
    assert physical_name("ctrl_ingestion_runs", None) == physical_name(
        "ctrl_ingestion_runs", "ctrl_ingestion_"
    )
    assert all(name.startswith("ctrl_ingestion_") for name in EVIDENCE_TABLES)  # one common prefix


def test_compiled_tree_names_the_prefixed_tables(tmp_path):
    plan = plan_project(_project(tmp_path))
    default = plan_project(_project(tmp_path / "default", None))
    assert [d.code for d in plan.diagnostics] == [d.code for d in default.diagnostics]  # no warning now
    tree = render_build(plan, CompileOptions(), load_module_files(), FIXED_RUNTIME).files
    for step in plan.steps:
        assert step.run_plan["evidence"]["table_prefix"] == PREFIX
    for ddl in ("artifacts/ddl/evidence.spark.sql", "artifacts/ddl/evidence.athena.sql"):
        text = tree[ddl].decode()
        assert "ctrl_ingestion_" not in text and text.count("acme_ctrl_") == len(EVIDENCE_TABLES) * (
            1 if "spark" in ddl else 2  # Athena: the table and its LOCATION
        )
    policy = json.loads(tree["artifacts/review/customers_current/iam_policy.json"])
    catalog = next(s for s in policy["Statement"] if s["Sid"] == "GlueCatalogTargetAndEvidence")
    assert any(r.endswith(":table/crm_customers_ops/acme_ctrl_*") for r in catalog["Resource"])
    assert not any(r.endswith(":table/crm_customers_ops/*") for r in catalog["Resource"])
    statements = json.loads(tree["main.tf.json"])["module"]["table_maintenance"]["statements"]
    evidence = [s for s in statements if "crm_customers_ops" in s]
    assert evidence and all("acme_ctrl_" in s and "ctrl_ingestion_" not in s for s in evidence)


def test_ops_sql_names_the_prefixed_tables(tmp_path, capsys):
    project = _project(tmp_path)
    plan = plan_project(project)
    assert athena_settings(plan).table_prefix == PREFIX
    text = render_sql(
        sql_catalog.query_text("recent_runs"), "trino", "ops", PREFIX, since="x", now="y", targets="z"
    )
    assert '"ops".acme_ctrl_runs' in text and "ctrl_ingestion_" not in text
    assert main(["sql", "recent_runs", "--project", str(project), "--env", "aws"]) == 0
    printed = capsys.readouterr().out
    assert "acme_ctrl_runs" in printed and "ctrl_ingestion_" not in printed
