"""``contractforge local put`` + ``contractforge run --local --json`` in a fresh process, on the shared
reference project aws-failure-paths: the expected failures, their JSON document and the evidence the
run wrote in its home (read back with the light local reader)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from contractforge.ops.evidence_reader import local_evidence

from tests.compiler.local.reference_helpers import BUCKET

pytestmark = pytest.mark.slow


def _cli(*args, cwd):
    code = "import sys; from contractforge.cli.main import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=900
    )


FAILURE_OPS = "contractforge_cf_aws_failure_paths_ops"
TARGETS = "contractforge_cf_aws_failure_paths"
ABORT_TARGET = f"glue_catalog.{TARGETS}.b_quality_abort_orders"
MISSING_TARGET = f"glue_catalog.{TARGETS}.b_missing_source_orders"


def test_run_local_json_reports_expected_failures(reference_projects, tmp_path):
    if shutil.which("java") is None:
        pytest.skip("java is not installed")
    pytest.importorskip("pyspark")
    project = reference_projects / "aws-failure-paths"
    put = _cli(
        "local",
        "put",
        str(project / "data" / "orders"),
        f"{BUCKET}/data/aws-failure-paths/orders/",
        cwd=tmp_path,
    )
    assert put.returncode == 0, put.stderr
    assert (
        tmp_path / ".contractforge/s3/contractforge-aws-smoke-000000000000-us-east-1/data/aws-failure-paths"
        "/orders/orders_failure.csv"
    ).is_file()

    result = _cli("run", str(project), "--local", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    steps = {s["name"]: s for s in json.loads(result.stdout)["steps"]}
    assert {n: s["status"] for n, s in steps.items()} == {
        "quality_abort_orders": "EXPECTED_FAILURE",
        "missing_s3_source": "EXPECTED_FAILURE",
    }
    assert steps["quality_abort_orders"]["rows_read"] == 3 and steps["missing_s3_source"]["rows_read"] is None
    assert (
        "Data quality expression failed: impossible_amount_threshold"
        in steps["quality_abort_orders"]["error_message"]
    )
    assert "source path does not exist" in steps["missing_s3_source"]["error_message"]
    assert set(steps["missing_s3_source"]) >= {
        "name",
        "status",
        "quality_status",
        "rows_read",
        "rows_written",
        "rows_quarantined",
        "skip_reason",
        "run_id",
    }
    assert "EXPECTED_FAILURE" in result.stderr  # progress and the summary table go to stderr

    evidence = local_evidence(tmp_path / ".contractforge", FAILURE_OPS)
    ops = f'"{FAILURE_OPS}"'
    errors = evidence.run(f"SELECT target_table, stack_trace FROM {ops}.ctrl_ingestion_errors")
    assert sorted(e["target_table"] for e in errors) == sorted([ABORT_TARGET, MISSING_TARGET])
    assert all(e["stack_trace"] and "Traceback" in e["stack_trace"] for e in errors)
    runs = evidence.run(f"SELECT target_table, status, write_committed, rows_read FROM {ops}.ctrl_ingestion_runs")
    assert sorted((r["target_table"], r["status"], r["write_committed"], r["rows_read"]) for r in runs) == [
        (MISSING_TARGET, "FAILED", False, None), (ABORT_TARGET, "FAILED", False, 3),
    ]  # fmt: skip
    quality = evidence.run(
        f"SELECT status, severity FROM {ops}.ctrl_ingestion_quality"
        f" WHERE rule_name = 'impossible_amount_threshold' AND target_table = '{ABORT_TARGET}'"
    )
    assert [(q["status"], q["severity"]) for q in quality] == [("FAILED", "abort")]
    assert evidence.metadata_location(TARGETS, "b_quality_abort_orders") is None
    assert evidence.metadata_location(TARGETS, "b_missing_source_orders") is None
