"""The real terraform binary and hashicorp/aws provider (offline mirror): fmt, init, validate."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.terraform.figures import record
from tests.terraform.layout import MODULE_NAMES, MODULES_DIR
from tests.terraform.tf_cli import Terraform
from tests.terraform.workspace import copy_fixture_root, copy_modules

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


@pytest.fixture(scope="module")
def module_copies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_modules(tmp_path_factory.mktemp("modules"))


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_module_validates_with_the_real_provider(
    terraform: Terraform, module_copies: Path, module: str
) -> None:
    directory = module_copies / module
    terraform.init(directory)
    result = terraform.validate(directory)
    assert "The configuration is valid" in result.stdout
    record("modules validated")


def test_a_misspelt_argument_makes_validate_fail(terraform: Terraform, tmp_path: Path) -> None:
    """Proves the validation above is real: the provider schema rejects an unknown argument."""
    directory = copy_modules(tmp_path) / "glue_job"
    main = directory / "main.tf"
    text = main.read_text(encoding="utf-8")
    assert "  execution_class   = var.execution_class\n" in text
    main.write_text(text.replace("  execution_class   =", "  execution_klass   ="), encoding="utf-8")
    terraform.init(directory)
    result = terraform.validate(directory, check=False)
    assert result.returncode != 0
    assert 'An argument named "execution_klass" is not expected here' in _unwrapped(result.stderr)


def test_an_invalid_variable_value_is_refused_by_the_module_validation(
    terraform: Terraform, tmp_path: Path
) -> None:
    root = copy_fixture_root(tmp_path)
    main = root / "main.tf"
    main.write_text(
        main.read_text(encoding="utf-8").replace("job_bookmarks             = true", 'worker_type = "G.3X"'),
        encoding="utf-8",
    )
    terraform.init(root)
    result = terraform.validate(root, check=False)
    assert result.returncode != 0
    assert "worker_type must be one of G.025X, G.1X, G.2X, G.4X, G.8X." in _unwrapped(result.stderr)


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
    assert called == set(MODULE_NAMES)
    record("fixture roots validated")
