"""Lake Formation grants of the job roles in the compiled root: ``lakeformation`` (write grants, the
module defaults, on target + evidence databases) and ``lakeformation_reads`` (DESCRIBE/SELECT on the
upstream databases a role only reads)."""

from __future__ import annotations

from typing import Any

from contractforge.render.root_inputs import RootInputs, role_arn
from contractforge.render.tf_json import escape, ref
from contractforge.source_families import tables_read


def _lakeformation_grants(inputs: RootInputs) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Per job role: databases it writes (targets + evidence) and databases it only reads (upstream refs)."""
    writes: dict[str, dict[str, Any]] = {}
    reads: dict[str, dict[str, Any]] = {}
    for deployment in inputs.steps:
        key = deployment.step.name if deployment.role_name else (deployment.step.glue.role_arn or "")
        for grants in (writes, reads):
            grants.setdefault(key, {"principal_arn": role_arn(deployment), "databases": set()})
        for run_plan in deployment.run_plans():  # a pack's role: every step's databases
            writes[key]["databases"].update(
                {run_plan["target"]["database"], run_plan["evidence"]["database"]}
            )
            reads[key]["databases"].update(upstream_databases(run_plan))
    for key, entry in reads.items():  # one grant resource per principal and database
        entry["databases"] -= writes[key]["databases"]
    return writes, {key: entry for key, entry in reads.items() if entry["databases"]}


def upstream_databases(run_plan: dict[str, Any]) -> set[str]:
    identifiers = tables_read(run_plan.get("source") or {})
    return {i.split(".")[1] for i in identifiers if isinstance(i, str) and i.count(".") == 2}


def lakeformation_modules(inputs: RootInputs, source: str) -> dict[str, Any]:
    """Write grants (module defaults) per role, plus DESCRIBE/SELECT-only grants on upstream databases."""
    writes, reads = _lakeformation_grants(inputs)
    modules = {"lakeformation": _lakeformation_call(source, writes)}
    if reads:
        modules["lakeformation_reads"] = {
            **_lakeformation_call(source, reads),
            "database_permissions": ["DESCRIBE"],
            "table_permissions": ["DESCRIBE", "SELECT"],
        }
    return modules


def _lakeformation_call(source: str, grants: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "source": source,
        "for_each": {
            escape(key): {"principal_arn": entry["principal_arn"], "databases": sorted(entry["databases"])}
            for key, entry in sorted(grants.items())
        },
        "principal_arn": ref("each.value.principal_arn"),
        "databases": ref("each.value.databases"),
    }
