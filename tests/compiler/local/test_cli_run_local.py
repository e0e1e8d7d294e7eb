"""``contractforge local put`` + ``contractforge run --local --json`` in a fresh process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.compiler.local.reference_helpers import BUCKET

pytestmark = pytest.mark.slow


def _cli(*args, cwd):
    code = "import sys; from contractforge.cli.main import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=900
    )


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
