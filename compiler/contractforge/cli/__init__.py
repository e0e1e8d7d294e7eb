"""Command-line interface, on top of everything: one ``command_<verb>`` module per verb, thin
over ``contractforge.api`` (validate, plan, compile), ``contractforge.ops`` and ``contractforge.local``.

Takes ``argv``; returns an exit code (0 ok, 1 blockers or failures, 2 invalid input). Shared
argument helpers: ``cli.common``; the AWS half of ``run``: ``cli.run_aws``.
"""
