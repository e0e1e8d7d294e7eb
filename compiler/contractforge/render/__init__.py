"""Stage 4, render: pure renderers, the frozen ``ProjectPlan`` in, data out.

Takes a ``ProjectPlan`` with no blockers plus the read-only inputs (Terraform module files,
runtime package files: ``render.inputs``); returns a ``BuildTree`` (relative posix path → bytes,
plus warnings) from ``render_build``: Terraform JSON root, Step Functions, schedule, IAM, DDL,
DQDL, manifest. Never writes files (``contractforge.writer`` does) and never talks to AWS.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contractforge.render.build import CompileOptions, render_build
    from contractforge.render.inputs import load_module_files, load_runtime_files

__all__ = ["CompileOptions", "load_module_files", "load_runtime_files", "render_build"]
_HOMES = {
    "CompileOptions": "contractforge.render.build",
    "render_build": "contractforge.render.build",
    "load_module_files": "contractforge.render.inputs",
    "load_runtime_files": "contractforge.render.inputs",
}


def __getattr__(name: str) -> Any:
    """Loaded on first use: ``compile --check`` reads ``render.inputs`` without the renderers."""
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
