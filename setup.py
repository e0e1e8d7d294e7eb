"""Build hook: the wheel's data files are whatever sits in ``terraform/modules/`` (every module
directory, every file but Terraform's local state), installed under
``share/contractforge/terraform/modules/<module>/`` where ``render.inputs`` finds them. Everything
else about the package is declared in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup

MODULES = Path("terraform/modules")
INSTALLED = "share/contractforge/terraform/modules"
# the rule of contractforge.render.inputs.load_module_files (tests/terraform/test_packaging.py compares)
SKIPPED_NAMES = (".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup")


def terraform_data_files(modules: Path = MODULES) -> list[tuple[str, list[str]]]:
    """``(install directory, [repository paths])`` per directory below ``modules`` (sorted)."""
    by_directory: dict[str, list[str]] = {}
    for path in sorted(p for p in modules.rglob("*") if p.is_file()):
        relative = path.relative_to(modules)
        if any(part.startswith(".") or part in SKIPPED_NAMES for part in relative.parts):
            continue
        target = f"{INSTALLED}/{relative.parent.as_posix()}"
        by_directory.setdefault(target, []).append(path.as_posix())
    return sorted(by_directory.items())


if __name__ == "__main__":
    setup(data_files=terraform_data_files())
