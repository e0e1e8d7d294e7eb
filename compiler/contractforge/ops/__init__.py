"""Post-apply AWS operations: run, orchestrate, record cost, audit, evidence DDL, maintenance.

Every AWS call goes through :class:`contractforge.ops.aws.AwsSession` (the one client seam).
"""
