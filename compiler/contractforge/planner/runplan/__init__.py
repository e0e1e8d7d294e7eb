"""Run plans, built inside the planner: one runnable step → its run plan dict (docs/run-plan.md,
``schemas/run-plan.v1.schema.json``), the only thing the runtime reads.

Takes ``StepInputs`` (the resolved contract mapping plus what the planner decided: target,
warehouse, Glue settings, read kind) and the table-ref substitution; returns plain JSON-able data.
Imports only earlier planner modules (read kind, table refs), never ``planner.project``.
"""

from contractforge.planner.runplan.build import StepInputs, build_run_plan

__all__ = ["StepInputs", "build_run_plan"]
