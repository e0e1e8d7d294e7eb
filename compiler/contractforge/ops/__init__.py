"""Post-apply AWS operations: run, orchestrate, record cost, audit, evidence DDL, maintenance.

Takes a ``ProjectPlan`` (from ``contractforge.api.plan_project``) and an ``AwsSession``; returns
result objects (run summaries, audit findings, cost rows). Every AWS call goes through
:class:`contractforge.ops.aws.AwsSession` (the one client seam); printing belongs to ``cli/``.
"""
