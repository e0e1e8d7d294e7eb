"""Governance the runner applies to a target table: annotations (column docs and table properties)
and the Lake Formation tags a target carries (``annotation_plan`` → ``annotation_apply``;
``lf_tags``)."""
