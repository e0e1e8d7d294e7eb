"""checkov (in its own virtualenv, .venv-checkov) passes on the modules and on a root that calls them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.terraform.figures import record
from tests.terraform.layout import REPO_ROOT
from tests.terraform.workspace import copy_fixture_root, copy_modules

CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"
CONFIG = REPO_ROOT / ".checkov.yaml"

pytestmark = pytest.mark.skipif(
    not CHECKOV.is_file(), reason=".venv-checkov is absent (scripts/setup.sh creates it)"
)


def run_checkov(directory: Path) -> dict:
    command = [str(CHECKOV), "--config-file", str(CONFIG), "--skip-download", "-o", "json"]
    command += ["--framework", "terraform", "-d", str(directory)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert isinstance(report, dict), "expected one terraform report"
    assert report["summary"]["parsing_errors"] == 0, report["summary"]
    return report


def failures(report: dict) -> list[str]:
    return sorted(f"{c['check_id']} {c['resource']}" for c in report["results"]["failed_checks"])


def test_every_skipped_check_has_a_reason() -> None:
    lines = CONFIG.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("skip-check:"))
    entries = [line for line in lines[start + 1 :] if line.strip().startswith("- ")]
    for entry in entries:  # "  - CKV_AWS_x  # reason"
        assert "#" in entry and len(entry.split("#", 1)[1].strip()) > 10, entry


def test_checkov_passes_on_the_modules(tmp_path: Path) -> None:
    report = run_checkov(copy_modules(tmp_path))
    assert report["summary"]["resource_count"] >= len(list((REPO_ROOT / "terraform" / "modules").iterdir()))
    assert failures(report) == []
    record("checkov checks passed", report["summary"]["passed"])


def test_checkov_passes_on_a_root_calling_every_module(tmp_path: Path) -> None:
    """checkov follows HCL module calls and substitutes the variables (the realistic scan)."""
    report = run_checkov(copy_fixture_root(tmp_path))
    resources = {c["resource"] for c in report["results"]["passed_checks"]}
    assert "module.orchestration.aws_sfn_state_machine.this" in resources
    assert failures(report) == []


def test_checkov_finds_a_log_group_without_retention(tmp_path: Path) -> None:
    """Proves the scan is real: dropping the retention makes CKV_AWS_66 fail."""
    modules = copy_modules(tmp_path)
    main = modules / "orchestration" / "main.tf"
    text = main.read_text(encoding="utf-8")
    assert "  retention_in_days = var.log_retention_days\n" in text
    main.write_text(text.replace("  retention_in_days = var.log_retention_days\n", ""), encoding="utf-8")
    assert "CKV_AWS_66 aws_cloudwatch_log_group.this" in failures(run_checkov(modules / "orchestration"))
