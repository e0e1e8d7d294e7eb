"""The ``lf_access`` module call: LF-tags, tag-expression grants and data-cells filters of a project.

Inputs are the run plans (``lake_formation`` sections: the tags each runner attaches; ``metadata.access``:
the declared grants, row filters and column masks). Decisions (docs/governance.md):

- a grant of ``privileges`` on a table is a grant on ``contractforge_dataset IN (<db>.<table>, …)``: it
  needs no table at apply time, and the runner's tag makes it effective the moment the table exists;
- a column mask hides the column from the mask's ``applies_to`` principals (column exclusion: Lake
  Formation cannot rewrite values). The masked column carries ``<db>.<table>:masked:<column>``; every
  granted principal *not* in ``applies_to`` also gets that value in its expression;
- a row filter is a data-cells filter with the declared PartiQL ``predicate`` (masked columns excluded),
  ``SELECT`` on it for ``applies_to``; those principals lose ``SELECT`` from their table grant (it would
  bypass the filter) and keep the rest;
- ``access_policy.mode: validate_only`` / ``ignore`` tables get no grant or filter.
"""

from __future__ import annotations

import re
from typing import Any

from contractforge.planner.runplan.lake_formation import DATASET_KEY, access_mode, dataset, masked
from contractforge.project_plan import ProjectPlan
from contractforge.render.tf_json import escape, literal

_NOT_FILTER_CHAR = re.compile(r"[^A-Za-z0-9_-]+")


def _principals(spec: dict[str, Any] | None) -> list[str]:
    return list((spec or {}).get("principals") or [])


def lf_tags(plan: ProjectPlan) -> dict[str, list[str]]:
    values: dict[str, set[str]] = {}
    for step in plan.steps:
        section = (step.run_plan or {}).get("lake_formation") or {}
        for tags in (section.get("table_tags") or {}, *(section.get("column_tags") or {}).values()):
            for key, value in tags.items():
                values.setdefault(key, set()).add(value)
    return {key: sorted(v) for key, v in sorted(values.items())}


def _table_access(run_plan: dict[str, Any]) -> tuple[dict, dict]:
    """(grants, filters) of one applied access contract, keyed for the module's maps."""
    access = (run_plan.get("metadata") or {}).get("access") or {}
    target = run_plan["target"]
    db, table = target["database"], target["table"]
    masks = access.get("column_masks") or []
    filters, filtered_principals = {}, set()
    for index, row_filter in enumerate(access.get("row_filters") or []):
        principals = _principals(row_filter.get("applies_to"))
        filtered_principals.update(principals)
        hidden = sorted(
            {m["column"] for m in masks if set(_principals(m.get("applies_to"))) & set(principals)}
        )
        name = _NOT_FILTER_CHAR.sub("_", f"{db}__{table}__{row_filter.get('name') or index}")[:255]
        filters[name] = {
            "database_name": db,
            "table_name": table,
            "filter_expression": row_filter["predicate"],
            "excluded_columns": hidden,
            "principals": sorted(principals),
        }
    grants = {}
    for grant in access.get("grants") or []:
        principal = grant["principal"]
        permissions = sorted({str(p).upper() for p in grant.get("privileges") or []})
        if principal in filtered_principals:
            permissions = [p for p in permissions if p not in ("SELECT", "ALL")]
        if not permissions:
            continue
        values = [dataset(db, table)] + [
            masked(db, table, m["column"]) for m in masks if principal not in _principals(m.get("applies_to"))
        ]
        grants[f"{principal}|{dataset(db, table)}"] = {
            "principal": principal,
            "permissions": permissions,
            "expression": {DATASET_KEY: values},
        }
    return grants, filters


def lf_access_module(plan: ProjectPlan, source: str, job_roles: dict[str, str]) -> dict[str, Any] | None:
    """``job_roles``: key (step name, or the ARN of an environment role) → role ARN expression."""
    tags = lf_tags(plan)
    grants: dict[str, Any] = {}
    filters: dict[str, Any] = {}
    for step in plan.steps:
        run_plan = step.run_plan or {}
        if "lake_formation" not in run_plan:
            continue
        if access_mode((run_plan.get("metadata") or {}).get("access") or {}) == "apply":
            table_grants, table_filters = _table_access(run_plan)
            grants.update(table_grants)
            filters.update(table_filters)
    if not (tags or grants or filters):
        return None
    catalog_ids = {
        ((s.run_plan or {}).get("lake_formation") or {}).get("catalog_id") for s in plan.steps if s.run_plan
    }
    module: dict[str, Any] = {
        "source": source,
        "lf_tags": literal(tags),
        "tag_associators": {escape(k): v for k, v in sorted(job_roles.items())} if tags else {},
        "tag_grants": literal(dict(sorted(grants.items()))),
        "data_cells_filters": literal(dict(sorted(filters.items()))),
    }
    catalog_ids.discard(None)
    if catalog_ids:
        module["catalog_id"] = escape(sorted(catalog_ids)[0])
    module["depends_on"] = ["module.lakeformation"]
    return module
