"""Stage 3, planner: a valid ``LoadedProject`` → the frozen ``ProjectPlan``.

Takes the loader's ``LoadedProject``; runs the validation stage on it (any problem raises one
``ContractForgeError``, exit 2), then decides per step: coded diagnostics, status, Glue job
settings and — for runnable steps only — the run plan (built by ``planner.runplan``, which never
imports back). Returns ``ProjectPlan`` (``contractforge.project_plan``). Next: ``contractforge.render``.
"""

from contractforge.planner.project import plan_loaded_project

__all__ = ["plan_loaded_project"]
