"""The real terraform binary and hashicorp/aws provider (offline mirror): fmt, init, validate."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.terraform.figures import record
from tests.terraform.layout import MODULE_NAMES, MODULES_DIR
from tests.terraform.tf_cli import Terraform
from tests.terraform.workspace import copy_fixture_root

pytestmark = pytest.mark.terraform


def _unwrapped(text: str) -> str:
    """terraform wraps diagnostics at ~78 columns; compare on single-spaced text."""
    return " ".join(text.split())


def test_modules_and_fixtures_are_terraform_fmt_clean(terraform: Terraform) -> None:
    result = terraform.run(
        MODULES_DIR.parent.parent, "fmt", "-check", "-recursive", "-diff", "terraform/modules", check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    fixtures = Path(__file__).resolve().parent / "fixtures"
    result = terraform.run(fixtures, "fmt", "-check", "-recursive", "-diff", ".", check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_misspelt_argument_makes_validate_fail(terraform: Terraform, tmp_path: Path) -> None:
    """Proves the validation below is real, module by module: validating a root that calls the
    modules, the provider schema rejects an unknown argument inside one of them, and so does
    validating that module on its own."""
    root = copy_fixture_root(tmp_path)
    directory = tmp_path / "terraform" / "modules" / "glue_job"
    main = directory / "main.tf"
    text = main.read_text(encoding="utf-8")
    assert "  execution_class   = var.execution_class\n" in text
    main.write_text(text.replace("  execution_class   =", "  execution_klass   ="), encoding="utf-8")
    terraform.init(root)
    result = terraform.validate(root, check=False)
    assert result.returncode != 0
    assert 'An argument named "execution_klass" is not expected here' in _unwrapped(result.stderr)
    terraform.init(directory)
    result = terraform.validate(directory, check=False)
    assert result.returncode != 0
    assert 'An argument named "execution_klass" is not expected here' in _unwrapped(result.stderr)


INVALID_INPUTS = {  # minimal_root line -> replacement, and the module's validation message
    "job_bookmarks             = true": (
        'worker_type = "G.3X"',
        "worker_type must be one of G.025X, G.1X, G.2X, G.4X, G.8X.",
    ),
    'default_arguments         = { "--enable-spark-ui" = "false" }': (
        'default_arguments = { "--conf" = "spark.x=y" }',
        "must not be one of the reserved runner keys",
    ),
    'schedule_expression          = "cron(30 6 ? * MON-FRI *)"': (
        'schedule_expression = "every day at 6"',
        "schedule_expression must look like cron(...), rate(...) or at(...).",
    ),
    "key_prefix = local.prefix": ('key_prefix = "/abs/"', 'key_prefix must be empty or end with "/"'),
}


def test_invalid_module_inputs_are_refused_by_the_modules_validation(
    terraform: Terraform, tmp_path: Path
) -> None:
    root = copy_fixture_root(tmp_path)
    main = root / "main.tf"
    text = main.read_text(encoding="utf-8")
    for line, (replacement, _) in INVALID_INPUTS.items():
        assert line in text, line
        text = text.replace(line, replacement)
    main.write_text(text, encoding="utf-8")
    terraform.init(root)
    result = terraform.validate(root, check=False)
    assert result.returncode != 0
    errors = _unwrapped(result.stderr)
    assert [message for _, message in INVALID_INPUTS.values() if message not in errors] == []


def test_minimal_root_calling_every_module_validates(terraform: Terraform, tmp_path: Path) -> None:
    root = copy_fixture_root(tmp_path)
    terraform.init(root)
    result = terraform.validate(root)
    assert "The configuration is valid" in result.stdout
    called = {
        line.split('"')[1]
        for line in (root / "main.tf").read_text().splitlines()
        if line.startswith("module ")
    }
    assert called == set(MODULE_NAMES)  # validating this root validates every module, as called
    record("modules validated", len(called))
    record("fixture roots validated")
