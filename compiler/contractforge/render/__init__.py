"""Stage 4, render: pure renderers, the frozen ``ProjectPlan`` in, data out.

Takes a ``ProjectPlan`` with no blockers plus the read-only inputs (Terraform module files,
runtime package files: ``render.inputs``); returns a ``BuildTree`` (relative posix path → bytes,
plus warnings) from ``render_build``: Terraform JSON root, Step Functions, schedule, IAM, DDL,
DQDL, manifest. Never writes files (``contractforge.writer`` does) and never talks to AWS.
"""

from contractforge.render.build import CompileOptions, render_build
from contractforge.render.inputs import load_module_files, load_runtime_files

__all__ = ["CompileOptions", "load_module_files", "load_runtime_files", "render_build"]
