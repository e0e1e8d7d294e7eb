"""The run plan's ``lake_formation`` section: the LF-tags the runner attaches to its table and columns.

Present only when ``parameters.aws.lake_formation`` is on. Tags come from the annotations (table and
column ``tags``, ``pii`` as ``pii_type`` / ``pii_sensitivity``) and, when the access contract is
applied, from access: ``contractforge_dataset = <database>.<table>`` on the table and
``<database>.<table>:masked:<column>`` on each masked column (a column-level value overrides the
table's, which is how Lake Formation hides exactly that column from principals not granted it).
The compiled root (render/access.py) declares every key/value used here and the grants on them.
"""

from __future__ import annotations

from typing import Any

DATASET_KEY = "contractforge_dataset"
PII_TYPE_KEY, PII_SENSITIVITY_KEY = "pii_type", "pii_sensitivity"


def tag_key(key: str) -> str:
    """LF-tag keys are stored lower-case."""
    return str(key).strip().lower()


def dataset(database: str, table: str) -> str:
    return f"{database}.{table}"


def masked(database: str, table: str, column: str) -> str:
    return f"{dataset(database, table)}:masked:{column}"


def access_mode(access: dict[str, Any]) -> str | None:
    if not access:
        return None
    return (access.get("access_policy") or {}).get("mode") or "apply"


def lake_formation_section(
    annotations: dict[str, Any], access: dict[str, Any], database: str, table: str, catalog_id: str | None
) -> dict[str, Any]:
    table_tags = {tag_key(k): str(v) for k, v in ((annotations.get("table") or {}).get("tags") or {}).items()}
    columns: dict[str, dict[str, str]] = {}
    for column, spec in sorted((annotations.get("columns") or {}).items()):
        spec = spec or {}
        tags = {tag_key(k): str(v) for k, v in (spec.get("tags") or {}).items()}
        pii = spec.get("pii") or {}
        if pii and pii.get("enabled", True):
            tags[PII_TYPE_KEY] = str(pii.get("type") or "unknown")
            tags[PII_SENSITIVITY_KEY] = str(pii.get("sensitivity") or "internal")
        if tags:
            columns[column] = tags
    if access_mode(access) == "apply":
        table_tags[DATASET_KEY] = dataset(database, table)
        for mask in access.get("column_masks") or []:
            columns.setdefault(mask["column"], {})[DATASET_KEY] = masked(database, table, mask["column"])
    section: dict[str, Any] = {
        "table_tags": dict(sorted(table_tags.items())),
        "column_tags": {c: dict(sorted(t.items())) for c, t in sorted(columns.items())},
    }
    if catalog_id:
        section["catalog_id"] = catalog_id
    return section
