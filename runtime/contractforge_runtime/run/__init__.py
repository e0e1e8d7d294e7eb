"""Run stage: ``run_plan(spark, plan, ctx) -> RunResult`` evaluates one run plan, in Glue and
locally. Batch runs (``batch``) and available-now stream runs (``stream``) share the evidence of a
decided run (``finish``); the result value and statuses live in ``contractforge_runtime.results``."""

from contractforge_runtime.run.batch import run_plan

__all__ = ["run_plan"]
