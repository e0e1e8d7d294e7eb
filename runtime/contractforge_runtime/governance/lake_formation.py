"""Lake Formation from inside a run: attach the plan's LF-tags to the table and its columns, and compare
the declared access contract with what Lake Formation holds.

The client is boto3's ``lakeformation`` in Glue (the plan has a ``lake_formation`` section only when
``parameters.aws.lake_formation`` is on), or ``ctx.extra["lakeformation"]`` (tests against moto).
Grants, filters and tags themselves are created by Terraform (module lf_access); the runner only
*associates* tags (it holds ASSOCIATE on them) and *reads* permissions.

Every outcome is a ``ctrl_ingestion_access`` row: ``lf_tag`` rows (APPLIED / UNCHANGED / FAILED with
before and after), one row per declared grant, row filter and column mask (VERIFIED, DRIFT when Lake
Formation lacks it, NOT_VERIFIED when it cannot be read: a local run or a role that may not list),
and one DRIFT row per unmanaged grant on the dataset.
"""

from __future__ import annotations

import json
from typing import Any

APPLIED, UNCHANGED, FAILED = "APPLIED", "UNCHANGED", "FAILED"
VERIFIED, DRIFT, NOT_VERIFIED = "VERIFIED", "DRIFT", "NOT_VERIFIED"
DATASET_KEY = "contractforge_dataset"


def client_for(plan: dict, ctx) -> Any:
    if not plan.get("lake_formation"):
        return None
    client = ctx.extra.get("lakeformation")
    if client is None and ctx.is_glue:
        client = __import__("boto3").client("lakeformation")
    return client


def _tag_map(entries: list[dict[str, Any]] | None) -> dict[str, str]:
    return {e["TagKey"]: ",".join(e.get("TagValues") or []) for e in entries or []}


def _read_tags(client, catalog: dict, database: str, table: str, columns: list[str]) -> tuple[dict, dict]:
    """Tags assigned on the table and on the given columns ({}, {} when unreadable or none)."""
    try:
        on_table = client.get_resource_lf_tags(
            Resource={"Table": {**catalog, "DatabaseName": database, "Name": table}}, ShowAssignedLFTags=True
        ).get("LFTagsOnTable")
    except Exception:  # noqa: BLE001 - no tags yet (moto raises) or not readable: everything is added
        on_table = None
    on_columns: dict[str, dict[str, str]] = {}
    if columns:
        try:
            resource = {"TableWithColumns": {**catalog, "DatabaseName": database, "Name": table,
                                             "ColumnNames": columns}}  # fmt: skip
            answer = client.get_resource_lf_tags(Resource=resource, ShowAssignedLFTags=True)
            on_columns = {c["Name"]: _tag_map(c.get("LFTags")) for c in answer.get("LFTagsOnColumns") or []}
        except Exception:  # noqa: BLE001 - as above
            on_columns = {}
    return _tag_map(on_table), on_columns


def _add(client, resource: dict, wanted: dict[str, str]) -> str | None:
    tags = [{"TagKey": k, "TagValues": [v]} for k, v in sorted(wanted.items())]
    failures = client.add_lf_tags_to_resource(Resource=resource, LFTags=tags).get("Failures") or []
    return "; ".join(f"{f['LFTag']['TagKey']}: {f['Error']['ErrorMessage']}" for f in failures) or None


def attach_tags(client, plan: dict, common: dict) -> list[dict]:
    """Attach the plan's LF-tags where they differ from what is assigned; one row per tag."""
    section = plan.get("lake_formation") or {}
    target = plan["target"]
    database, table = target["database"], target["table"]
    catalog = {"CatalogId": section["catalog_id"]} if section.get("catalog_id") else {}
    wanted_columns = section.get("column_tags") or {}
    on_table, on_columns = _read_tags(client, catalog, database, table, sorted(wanted_columns))
    rows: list[dict] = []
    jobs = [(None, {"Table": {**catalog, "DatabaseName": database, "Name": table}},
             section.get("table_tags") or {}, on_table)]  # fmt: skip
    for column, wanted in sorted(wanted_columns.items()):
        resource = {"TableWithColumns": {**catalog, "DatabaseName": database, "Name": table,
                                         "ColumnNames": [column]}}  # fmt: skip
        jobs.append((column, resource, wanted, on_columns.get(column, {})))
    for column, resource, wanted, current in jobs:
        if not wanted:
            continue
        changed = {k: v for k, v in wanted.items() if current.get(k) != v}
        error = None
        if changed:
            try:
                error = _add(client, resource, wanted)
            except Exception as failure:  # noqa: BLE001 - recorded; the data write stands
                error = f"{type(failure).__name__}: {failure}"
        for key, value in sorted(wanted.items()):
            status = FAILED if error else (APPLIED if key in changed else UNCHANGED)
            rows.append({**common, "action": "add_lf_tags_to_resource", "access_type": "lf_tag",
                         "column_name": column, "object_name": key, "previous_value": current.get(key),
                         "new_value": value, "status": status, "error_message": error,
                         "applied_sql": "lakeformation:AddLFTagsToResource" if key in changed else None})  # fmt: skip
    return rows


def _all_permissions(client) -> list[dict]:
    found, token = [], None
    while True:
        page = client.list_permissions(**({"NextToken": token} if token else {}))
        found += page.get("PrincipalResourcePermissions") or []
        token = page.get("NextToken")
        if not token:
            return found


def _grant_matches(entry: dict, principal: str, values: set[str]) -> bool:
    if (entry.get("Principal") or {}).get("DataLakePrincipalIdentifier") != principal:
        return False
    policy = (entry.get("Resource") or {}).get("LFTagPolicy") or {}
    return any(e.get("TagKey") == DATASET_KEY and values & set(e.get("TagValues") or [])
               for e in policy.get("Expression") or [])  # fmt: skip


def check_access(client, plan: dict, common: dict) -> list[dict]:
    """One row per declared grant / row filter / column mask, plus DRIFT rows for unmanaged grants."""
    access = (plan.get("metadata") or {}).get("access") or {}
    policy = access.get("access_policy") or {}
    mode = policy.get("mode") or "apply"
    if not access or mode == "ignore":
        return []
    target = plan["target"]
    dataset = f"{target['database']}.{target['table']}"
    base = {**common, "mode": mode, "drift_policy": policy.get("on_drift") or "warn",
            "revoke_unmanaged": bool(policy.get("revoke_unmanaged"))}  # fmt: skip
    permissions, unreadable = (
        None,
        "Lake Formation is not available to this run (local run or lake_formation off)",
    )
    if client is not None:
        try:
            permissions, unreadable = _all_permissions(client), None
        except Exception as failure:  # noqa: BLE001 - e.g. the role may not list: reported, not fatal
            unreadable = f"{type(failure).__name__}: {failure}"
    rows = []
    declared = set()
    for grant in access.get("grants") or []:
        principal, privileges = (
            grant["principal"],
            sorted(str(p).upper() for p in grant.get("privileges") or []),
        )
        declared.add(principal)
        status = NOT_VERIFIED
        if permissions is not None:
            hits = [e for e in permissions if _grant_matches(e, principal, {dataset})]
            held = {p for e in hits for p in e.get("Permissions") or []}
            status = VERIFIED if hits and (set(privileges) - {"SELECT", "ALL"}) <= held else DRIFT
        rows.append({**base, "action": "grant_permissions", "access_type": "grant", "principal": principal,
                     "privilege": "|".join(privileges), "object_name": dataset, "status": status,
                     "error_message": unreadable if status == NOT_VERIFIED else None,
                     "new_value": json.dumps(privileges)})  # fmt: skip
    filters = {f["Name"] for f in _filters(client, target)} if permissions is not None else None
    for row_filter in access.get("row_filters") or []:
        name = row_filter.get("name")
        status = NOT_VERIFIED if filters is None else (
            VERIFIED if any(name and f.endswith(f"__{name}") for f in filters) else DRIFT)  # fmt: skip
        rows.append({**base, "action": "create_data_cells_filter", "access_type": "row_filter",
                     "object_name": name, "function_name": row_filter.get("function"),
                     "column_name": ",".join(row_filter.get("columns") or []),
                     "new_value": row_filter.get("predicate"), "status": status,
                     "principal": ",".join((row_filter.get("applies_to") or {}).get("principals") or []),
                     "error_message": unreadable if status == NOT_VERIFIED else None})  # fmt: skip
    for mask in access.get("column_masks") or []:
        rows.append({**base, "action": "exclude_column", "access_type": "column_mask", "column_name": mask["column"],
                     "function_name": mask.get("function"), "object_name": f"{dataset}:masked:{mask['column']}",
                     "principal": ",".join((mask.get("applies_to") or {}).get("principals") or []),
                     "status": NOT_VERIFIED if permissions is None else VERIFIED,
                     "error_message": unreadable})  # fmt: skip
    for entry in permissions or []:
        principal = (entry.get("Principal") or {}).get("DataLakePrincipalIdentifier")
        if principal not in declared and _grant_matches(entry, principal, {dataset}):
            rows.append({**base, "action": "unmanaged_grant", "access_type": "grant", "principal": principal,
                         "privilege": "|".join(sorted(entry.get("Permissions") or [])), "object_name": dataset,
                         "status": DRIFT, "error_message": "granted outside the access contract"})  # fmt: skip
    return rows


def _filters(client, target: dict) -> list[dict]:
    try:
        answer = client.list_data_cells_filter(
            Table={"DatabaseName": target["database"], "Name": target["table"]}
        )
        return answer.get("DataCellsFilters") or []
    except Exception:  # noqa: BLE001 - unreadable filters are drift-unknown, reported as DRIFT by absence
        return []


def drifted(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r.get("status") == DRIFT]


def revoke_unmanaged(client, rows: list[dict], catalog_id: str | None) -> None:
    """``revoke_unmanaged`` with ``on_drift: reconcile``: revoke grants made outside the contract (the
    role must be allowed to revoke: a Lake Formation administrator or a grantable permission)."""
    for row in rows:
        if row.get("action") != "unmanaged_grant":
            continue
        database, table = row["object_name"].split(".", 1)
        resource = {"LFTagPolicy": {"ResourceType": "TABLE",
                                    "Expression": [{"TagKey": DATASET_KEY, "TagValues": [row["object_name"]]}]}}  # fmt: skip
        if catalog_id:
            resource["LFTagPolicy"]["CatalogId"] = catalog_id
        try:
            client.revoke_permissions(Principal={"DataLakePrincipalIdentifier": row["principal"]},
                                      Resource=resource, Permissions=row["privilege"].split("|"))  # fmt: skip
            row.update(status="REVOKED", applied_sql="lakeformation:RevokePermissions")
        except Exception as failure:  # noqa: BLE001 - recorded; the drift stays visible
            row.update(status=FAILED, error_message=f"{type(failure).__name__}: {failure}")
