"""examples/api-and-postgres runs locally against a real PostgreSQL and a loopback REST API.

The project is copied and only its two endpoints are pointed at loopback (the JDBC URL and the
REST URL); contracts, secrets placeholders and data files are the example's own.
"""

from __future__ import annotations

import csv
import shutil
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from contractforge_runtime.environment.secrets import env_var_name

from tests.compiler.local.reference_helpers import count, reset_project, run

pytestmark = [pytest.mark.slow, pytest.mark.jdbc]

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "api-and-postgres"
TOKEN = "fx-token-abc123"
SILVER = "glue_catalog.billing_core_silver.s_customer_balances_eur"


def serve_pages(pages: Path):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            page = pages / f"rates_page_{query.get('page', ['1'])[0]}.json"
            authorised = self.headers.get("Authorization") == f"Bearer {TOKEN}"
            status, body = (
                (200, page.read_bytes())
                if authorised and page.is_file()
                else (401 if not authorised else 404, b"{}")
            )
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def seed(postgres) -> None:
    ddl = (EXAMPLE / "data" / "postgres" / "customers.sql").read_text()
    with (EXAMPLE / "data" / "postgres" / "customers.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    values = ", ".join(
        "({customer_id}, '{name}', '{email}', '{currency}', {balance}, '{updated_at}')".format(**r)
        for r in rows
    )
    postgres.psql(
        f"DROP TABLE IF EXISTS public.customers; {ddl} INSERT INTO public.customers VALUES {values};"
    )


def test_jdbc_rest_and_join(spark, postgres, tmp_path, monkeypatch):
    seed(postgres)
    server = serve_pages(EXAMPLE / "data" / "api")
    project = tmp_path / "api-and-postgres"
    shutil.copytree(EXAMPLE, project)
    customers = project / "contracts/aws/bronze/b_customers/b_customers.ingestion.yaml"
    customers.write_text(customers.read_text().replace(
        "jdbc:postgresql://billing-db.internal.example.com:5432/billing", postgres.jdbc_url))  # fmt: skip
    rates = project / "contracts/aws/bronze/b_fx_rates/b_fx_rates.ingestion.yaml"
    rates.write_text(rates.read_text().replace(
        "https://rates.example.com/v1/rates", f"http://127.0.0.1:{server.server_port}/v1/rates"))  # fmt: skip
    for (scope, key), value in {("pg", "user"): postgres.user, ("pg", "password"): postgres.password,
                                ("fx-api", "token"): TOKEN}.items():  # fmt: skip
        monkeypatch.setenv(env_var_name(scope, key), value)
    monkeypatch.setenv("CONTRACTFORGE_ALLOW_PRIVATE_HTTP_TARGETS", "1")
    try:
        reset_project(spark, project)
        outcomes = run(spark, project, tmp_path / "s3")
    finally:
        server.shutdown()
    assert {n: o.status for n, o in outcomes.items()} == dict.fromkeys(outcomes, "SUCCESS"), {
        n: o.error_message for n, o in outcomes.items()
    }
    assert outcomes["bronze_customers"].rows_written == 4 and outcomes["bronze_fx_rates"].rows_written == 4
    assert count(spark, SILVER) == 4
    balances = {r["customer_id"]: float(r["balance_eur"]) for r in spark.table(SILVER).collect()}
    assert balances == {1: 1200.0, 2: 495.64, 3: 93.13, 4: 0.0}
