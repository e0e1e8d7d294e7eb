"""The light local reader, the guide's dashboard queries and the named queries, on real local evidence.

One module-scoped set of orders-medallion runs (tests/ops/orders_evidence.py) feeds every test here.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from contractforge.local.runner import run_project_locally
from contractforge.ops import dashboard_sql, sql_catalog
from contractforge.ops.audit import run_audit
from contractforge.ops.evidence_reader import EvidenceReadError, LocalEvidence
from contractforge.ops.local_evidence import local_backend
from contractforge.ops.project import target_tables

from tests.ops.orders_evidence import catalog_db_of, make_orders_evidence
from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow

GUIDE_FILE = Path(__file__).resolve().parents[1] / "data" / "ops" / "operations_guide_queries.sql"
EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "orders-medallion"


@pytest.fixture(scope="module")
def evidence(spark, tmp_path_factory):
    made = make_orders_evidence(spark, tmp_path_factory.mktemp("orders_evidence"))
    assert made.outcomes == (
        {"bronze_orders": "SUCCESS", "silver_orders": "SUCCESS", "gold_daily_revenue": "SUCCESS"},
        {"bronze_orders": "SUCCESS"},
        {"bronze_orders": "FAILED"},
    )
    return made


@pytest.fixture(scope="module")
def reader(evidence):
    return LocalEvidence(evidence.catalog_db, evidence.plan.evidence_database)


def _comparable(rows: list[dict]) -> list[tuple]:
    def value(v):
        if isinstance(v, datetime):
            return (v.astimezone(UTC).replace(tzinfo=None) if v.tzinfo else v).isoformat()
        return float(v) if isinstance(v, float) else v

    return sorted((tuple((k, value(v)) for k, v in row.items()) for row in rows), key=repr)


def test_named_queries_read_the_same_rows_without_spark(evidence, reader, spark):
    plan = evidence.plan
    now = datetime.now(UTC).replace(tzinfo=None)
    params = sql_catalog.query_params(now - timedelta(days=7), now, target_tables(plan))
    # evidence tables are created when first written; the Spark path creates the missing ones empty
    # (as `evidence ensure` does on AWS), the light reader reads a missing table as empty
    spark_backend = local_backend(spark, plan.evidence_database)
    for name in sql_catalog.query_names():
        text = sql_catalog.query_text(name)
        assert _comparable(reader.query(text, **params)) == _comparable(
            spark_backend.query(text, **params)
        ), name


def test_audit_reads_local_evidence_without_spark(evidence, reader):
    report = run_audit(reader, evidence.plan)
    bronze = evidence.plan.step("bronze_orders").target_identifier
    assert [(v["check"], v["target_table"]) for v in report.violations] == [
        ("failed_runs", bronze),
        ("quarantine_ratio", bronze),
    ]
    assert report.checks["errors"][0]["stack_trace"]


def _guide_results(reader, database: str) -> list[list[dict]]:
    statements = dashboard_sql.split_statements(GUIDE_FILE.read_text(encoding="utf-8"))
    assert len(statements) == 13
    return [reader.run(dashboard_sql.adapt(s, "duckdb", database)) for s in statements]


def test_the_guide_queries_verbatim_return_the_rows_the_dictionary_describes(evidence, reader):
    plan = evidence.plan
    bronze, silver, gold = (
        plan.step(n).target_identifier for n in ("bronze_orders", "silver_orders", "gold_daily_revenue")
    )
    (recent, failed, state, quality, quarantine, schema_changes, streams, stages, cost, annotations,
     access, locks, versions) = _guide_results(reader, plan.evidence_database)  # fmt: skip

    assert len(recent) == 5 and {r["status"] for r in recent} == {"SUCCESS", "FAILED"}
    assert [r["target_table"] for r in recent if r["status"] == "FAILED"] == [bronze]
    (failure,) = failed
    assert failure["target_table"] == bronze and "currency" in failure["short_error"]
    assert failure["error_type"] and "Traceback" in failure["stack_trace"]
    # one current row per target, the failure carried forward with the last success kept
    assert sorted(r["target_table"] for r in state) == sorted([bronze, silver, gold])
    bronze_state = next(r for r in state if r["target_table"] == bronze)
    assert bronze_state["last_status"] == "FAILED" and bronze_state["last_success_at_utc"] is not None
    assert all(r["last_delta_version"] for r in state)  # the Iceberg snapshot id of the last write
    assert all(r["time_since_success"] is not None for r in state)
    assert sorted((r["target_table"], r["severity"], r["failed_count"]) for r in quality) == [
        (bronze, "quarantine", 1),
        (bronze, "quarantine", 1),
    ]
    assert sum(r["quarantined_records"] for r in quarantine) == 2
    assert schema_changes == [] and streams == [] and access == []
    # the bronze and gold annotations, applied once on their first run (unchanged afterwards)
    assert {(r["target_table"], r["status"]) for r in annotations} == {(bronze, "APPLIED"), (gold, "APPLIED")}
    assert len(stages) == 5 and all(r["read_seconds"] is not None for r in stages)
    assert {r["target_table"] for r in cost} == {bronze, silver, gold} and all(
        r["estimated_cost"] > 0 for r in cost
    )
    # every lock released: none still shows as held
    assert len(locks) == 5 and {r["status"] for r in locks} == {"RELEASED"}
    assert all(r["released_at_utc"] and r["effective_status"] == "RELEASED" for r in locks)
    (version,) = versions
    assert version["runs"] == 5 and version["spark_version"].startswith("3.5")


def test_run_rows_carry_the_guide_names_beside_ours(evidence, reader):
    rows = reader.run(
        f"SELECT notebook_name, delta_version_after, table_version_after, spark_version, engine_version "
        f"FROM \"{evidence.plan.evidence_database}\".ctrl_ingestion_runs WHERE status = 'SUCCESS'"
    )
    assert rows and all(r["delta_version_after"] == r["table_version_after"] for r in rows)
    assert all(r["engine_version"] == f"spark {r['spark_version']}" for r in rows)
    assert {r["notebook_name"] for r in rows} == {s.name for s in evidence.plan.steps}  # local job = step


def test_position_deletes_are_applied_by_the_light_reader(spark, tmp_path):
    database = "cf_reader_deletes"
    drop_databases(spark, database)
    spark.sql(f"CREATE NAMESPACE glue_catalog.{database}")
    spark.sql(
        f"CREATE TABLE glue_catalog.{database}.ctrl_ingestion_locks (target_table STRING, run_id STRING, "
        "status STRING) USING iceberg TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read')"
    )
    spark.sql(  # one data file, so deleting r2 needs a delete file (not a dropped file)
        f"INSERT INTO glue_catalog.{database}.ctrl_ingestion_locks SELECT /*+ REPARTITION(1) */ * FROM VALUES "
        "('t', 'r1', 'ACQUIRED'), ('t', 'r2', 'ACQUIRED'), ('t', 'r3', 'ACQUIRED') AS v(target_table, run_id, status)"
    )
    spark.sql(f"DELETE FROM glue_catalog.{database}.ctrl_ingestion_locks WHERE run_id = 'r2'")
    deletes = spark.sql(
        f"SELECT count(*) FROM glue_catalog.{database}.ctrl_ingestion_locks.delete_files"
    ).first()[0]
    assert deletes == 1  # really a position delete file, not a rewrite

    reader = LocalEvidence(catalog_db_of(spark), database)
    rows = reader.run(f'SELECT run_id, owner FROM "{database}".ctrl_ingestion_locks ORDER BY run_id')

    assert rows == [{"run_id": "r1", "owner": None}, {"run_id": "r3", "owner": None}]
    drop_databases(spark, database)


def test_a_home_without_evidence_is_a_readable_error(tmp_path):
    with pytest.raises(EvidenceReadError, match="run `contractforge run --local PROJECT` first"):
        LocalEvidence(tmp_path / "iceberg_catalog.sqlite", "db")


def test_report_from_local_runs_opens_in_a_real_browser(evidence, tmp_path, capsys):
    from contractforge.cli.main import main

    from tests.ops.browser import open_in_chromium

    out = tmp_path / "report.html"
    home = evidence.catalog_db.parent  # the session's catalog file is <home>/iceberg_catalog.sqlite
    code = main(
        ["report", str(EXAMPLE_DIR), "--local", "--home", str(home), "--since", "2d", "--out", str(out)]
    )
    assert code == 0
    progress = capsys.readouterr().err
    assert "[8/8] access" in progress and "wrote" in progress
    document = out.read_text(encoding="utf-8")
    assert "<script" not in document and "http://" not in document.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    ).replace('xmlns:xlink="http://www.w3.org/1999/xlink"', "")

    seen = open_in_chromium(out, "report-local-orders-medallion.png")

    assert seen.console_errors == [] and seen.foreign_requests == []
    names = {chart["name"] for chart in seen.charts}
    assert {"timeline", "status-history", "freshness", "cost-per-day"} <= names
    assert {f"rows-{s.name}" for s in evidence.plan.steps} | {
        f"quarantine-{s.name}" for s in evidence.plan.steps
    } <= names
    assert all(chart["marks"] > 0 and chart["width"] > 100 and chart["height"] > 40 for chart in seen.charts)
    assert "PreparationError" in seen.text and "currency" in seen.text  # the failure, with its error
    assert seen.screenshot.stat().st_size > 10_000


LIGHT_PROBE = """
import json, sys
from contractforge.cli.main import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
print(json.dumps(sorted(set(json.loads(sys.argv[1])) & set(sys.modules))), file=sys.stderr)
"""
HEAVY = [
    "pyiceberg",
    "sqlalchemy",
    "pyarrow",
    "sqlglot",
    "pydantic",
    "altair",
    "boto3",
    "pyspark",
    "contractforge.api",
]


def _heavy_modules_loaded(command: list[str]) -> list[str]:
    """The heavy modules a fresh interpreter has loaded after running the CLI ``command``."""
    done = subprocess.run(
        [sys.executable, "-c", LIGHT_PROBE, json.dumps(HEAVY), *command], capture_output=True, text=True
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_local_audit_and_report_load_no_heavy_library_once_the_plan_is_kept(evidence, tmp_path):
    home = str(evidence.catalog_db.parent)
    commands = [
        ["audit", str(EXAMPLE_DIR), "--local", "--home", home, "--json"],
        ["report", str(EXAMPLE_DIR), "--local", "--home", home, "--out", str(tmp_path / "r.html")],
    ]
    loaded = [_heavy_modules_loaded(c) for c in [commands[0], *commands]]  # the first audit keeps the plan

    assert loaded[1:] == [[], []]


def test_the_first_audit_after_a_local_run_uses_the_plan_the_run_kept(evidence, spark, tmp_path):
    home = evidence.catalog_db.parent
    shutil.rmtree(home / "plans", ignore_errors=True)
    (outcome,) = run_project_locally(
        EXAMPLE_DIR,
        steps=["gold_daily_revenue"],
        s3_root=tmp_path / "s3",
        home=home,
        spark=spark,
        out=io.StringIO(),
    )
    assert not outcome.unexpected and list((home / "plans").glob("*.pickle"))  # SKIPPED: nothing new

    assert _heavy_modules_loaded(["audit", str(EXAMPLE_DIR), "--local", "--home", str(home), "--json"]) == []
