"""Stage 2, validation: the second depth, what the models alone cannot say.

Takes what the loader returned (a ``LoadedProject``, or one contract as its mapping); returns the
list of located ``Problem`` s (empty when valid) — it never raises for bad input itself.
``validate_path`` is ``contractforge validate``: load what a path holds, then check both depths.
Next stage: ``contractforge.planner``.
"""

from contractforge.validation.paths import ValidationReport, validate_path
from contractforge.validation.project_semantics import validate_project
from contractforge.validation.semantic import validate_contract

__all__ = ["ValidationReport", "validate_contract", "validate_path", "validate_project"]
