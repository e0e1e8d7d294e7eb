"""Read-only inputs of the build besides the ProjectPlan: module files and runtime sources."""

from __future__ import annotations

import sys
from pathlib import Path

from contractforge.render.runtime_package import collect_package_files

REPO_ROOT = Path(__file__).resolve().parents[3]
# A source checkout (editable install) reads the modules in place; a wheel install carries them as
# data files under <prefix>/share/contractforge/terraform/modules (pyproject data-files).
INSTALLED_MODULES = Path(sys.prefix) / "share" / "contractforge" / "terraform" / "modules"
TERRAFORM_MODULES = (
    REPO_ROOT / "terraform" / "modules"
    if (REPO_ROOT / "terraform" / "modules").is_dir()
    else INSTALLED_MODULES
)
SKIPPED_NAMES = (".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup")


def load_module_files(modules_dir: Path = TERRAFORM_MODULES) -> dict[str, dict[str, bytes]]:
    """Module name → (relative posix path → bytes) for each module directory (hidden files skipped)."""
    modules: dict[str, dict[str, bytes]] = {}
    if not modules_dir.is_dir():
        return modules
    for module in sorted(p for p in modules_dir.iterdir() if p.is_dir()):
        files = {}
        for path in sorted(module.rglob("*")):
            relative = path.relative_to(module)
            if not path.is_file() or any(
                part.startswith(".") or part in SKIPPED_NAMES for part in relative.parts
            ):
                continue
            files[relative.as_posix()] = path.read_bytes()
        modules[module.name] = files
    return modules


def load_runtime_files() -> dict[str, bytes]:
    return collect_package_files()
