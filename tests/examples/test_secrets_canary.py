"""Secrets canary: the JDBC and REST example run with canary secret values — once successfully, once
with a failing PostgreSQL login — and no canary (password, token, nor the user name fetched through
a placeholder) appears in the console output, the ``--json`` document, the JVM/driver output, any
evidence or target table, or the compiled Terraform tree."""

from __future__ import annotations

import io
import json
import secrets
import shutil
from pathlib import Path

import pytest
from contractforge.api import compile_project
from contractforge.local.runner import run_project_locally
from contractforge_runtime.environment.secrets import env_var_name

from tests.compiler.local.reference_helpers import reset_project
from tests.examples.test_api_and_postgres_local import EXAMPLE, TOKEN, seed, serve_pages

pytestmark = [pytest.mark.slow, pytest.mark.jdbc]


def _canary(kind: str) -> str:
    return f"cfcanary{kind}{secrets.token_hex(6)}"


def _project(tmp_path: Path, postgres, port: int) -> Path:
    project = tmp_path / "api-and-postgres"
    shutil.copytree(EXAMPLE, project)
    customers = project / "contracts/aws/bronze/b_customers/b_customers.ingestion.yaml"
    customers.write_text(customers.read_text().replace(
        "jdbc:postgresql://billing-db.internal.example.com:5432/billing", postgres.jdbc_url))  # fmt: skip
    rates = project / "contracts/aws/bronze/b_fx_rates/b_fx_rates.ingestion.yaml"
    rates.write_text(rates.read_text().replace(
        "https://rates.example.com/v1/rates", f"http://127.0.0.1:{port}/v1/rates"))  # fmt: skip
    return project


def _run(spark, project: Path, s3_root: Path) -> str:
    out = io.StringIO()
    outcomes = run_project_locally(project, s3_root=s3_root, spark=spark, out=out)
    document = json.dumps({"steps": [o.as_dict() for o in outcomes]}, sort_keys=True)  # what --json prints
    return out.getvalue() + "\n" + document


def _evidence_text(spark, project: Path) -> str:
    from contractforge.api import plan_project

    plan = plan_project(project)
    databases = {plan.evidence_database} | {
        s.run_plan["evidence"]["database"] for s in plan.steps if s.run_plan
    }
    databases |= {s.target_database for s in plan.steps}
    texts = []
    for database in sorted(databases):
        for row in spark.sql(f"SHOW TABLES IN glue_catalog.`{database}`").collect():
            table = spark.table(f"glue_catalog.`{database}`.`{row.tableName}`")
            texts.extend(str(r.asDict()) for r in table.collect())
    return "\n".join(texts)


def _tree_text(root: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(root.rglob("*")) if p.is_file())


def test_no_canary_anywhere(spark, postgres, tmp_path, monkeypatch, capfd):
    user, password, wrong = _canary("user"), _canary("pw"), _canary("badpw")
    seed(postgres)
    postgres.psql(
        f"CREATE ROLE {user} LOGIN PASSWORD '{password}'; GRANT SELECT ON public.customers TO {user};"
    )
    server = serve_pages(EXAMPLE / "data" / "api")
    project = _project(tmp_path, postgres, server.server_port)
    monkeypatch.setenv(env_var_name("pg", "user"), user)
    monkeypatch.setenv(env_var_name("fx-api", "token"), TOKEN)
    monkeypatch.setenv("CONTRACTFORGE_ALLOW_PRIVATE_HTTP_TARGETS", "1")
    try:
        reset_project(spark, project)
        monkeypatch.setenv(env_var_name("pg", "password"), password)
        console = _run(spark, project, tmp_path / "s3")
        assert '"status": "SUCCESS"' in console
        monkeypatch.setenv(env_var_name("pg", "password"), wrong)  # the failing login
        console += _run(spark, project, tmp_path / "s3")
        assert "password authentication failed" in console and "FAILED" in console
    finally:
        server.shutdown()
    captured = capfd.readouterr()
    compile_project(project, out=tmp_path / "build")
    places = {
        "console and --json": console,
        "driver and JVM output": captured.out + captured.err,
        "evidence and target tables": _evidence_text(spark, project),
        "compiled tree": _tree_text(tmp_path / "build"),
    }
    for canary in (user, password, wrong, TOKEN):
        leaks = [place for place, text in places.items() if canary in text]
        assert not leaks, f"canary {canary[:14]}… found in {leaks}"
