"""terraform-aws-modules conventions: five files, typed and described variables, documented outputs,
one provider constraint everywhere, and README tables generated from the interfaces."""

from __future__ import annotations

import pytest

from tests.terraform.layout import MODULE_NAMES, MODULES_DIR
from tests.terraform.module_docs import outputs, render_readme, variables
from tests.terraform.provider_schema import load_hcl

pytest.importorskip("hcl2")

REQUIRED_FILES = {"main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"}


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_module_has_the_standard_files(module: str) -> None:
    present = {p.name for p in (MODULES_DIR / module).iterdir() if p.is_file()}
    assert REQUIRED_FILES <= present


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_every_variable_is_typed_and_described_and_every_output_described(module: str) -> None:
    for name, body in variables(MODULES_DIR / module).items():
        assert body.get("type"), f"{module}.{name} has no type"
        assert len(body.get("description", "")) > 10, f"{module}.{name} has no description"
    for name, body in outputs(MODULES_DIR / module).items():
        assert len(body.get("description", "")) > 5, f"{module} output {name} has no description"


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_versions_pin_terraform_and_the_provider_range(module: str) -> None:
    terraform_block = load_hcl(MODULES_DIR / module / "versions.tf")["terraform"][0]
    assert terraform_block["required_version"] == ">= 1.5"
    aws = terraform_block["required_providers"][0]["aws"]
    assert aws == {"source": "hashicorp/aws", "version": ">= 5.100, < 7.0"}


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_readme_tables_match_the_interface(module: str) -> None:
    """Regenerate with ``python -m tests.terraform.module_docs`` after changing variables/outputs."""
    readme = (MODULES_DIR / module / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# {module}\n")
    assert readme == render_readme(readme, MODULES_DIR / module)
