"""Where the Terraform tier finds things in the repository."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MODULES_DIR = REPO_ROOT / "terraform" / "modules"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
MODULE_NAMES = sorted(p.name for p in MODULES_DIR.iterdir() if p.is_dir()) if MODULES_DIR.is_dir() else []
