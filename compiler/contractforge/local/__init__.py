"""Local embedded execution: a ``ProjectPlan`` run on this machine.

Takes a project path (planned through ``contractforge.api``, the plan kept in the home by ``plan_cache``);
returns one outcome per step.
Provides the Spark + Iceberg session (with the Jackson shim), the s3:// → local directory
mapping and ``run --local`` (``local.runner.run_project_locally``), on ``contractforge_runtime``.
"""
