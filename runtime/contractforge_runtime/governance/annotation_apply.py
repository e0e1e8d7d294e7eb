"""Apply a run plan's annotations to its Iceberg table: one metadata commit, or none when unchanged.

Reads the table's properties and column docs through Iceberg's Java API, computes the difference
(``annotation_plan``) and commits every change in one transaction (properties and docs together).
Returns the outcome the runs row reports (``annotations_status``: APPLIED / UNCHANGED / FAILED) and one
``ctrl_ingestion_annotations`` row per change, with the value before and after. A failure never fails
the run: it is reported as FAILED with the error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contractforge_runtime.environment import iceberg_java
from contractforge_runtime.governance import annotation_plan as ap
from contractforge_runtime.write.iceberg_tables import quote_identifier

APPLIED, UNCHANGED, FAILED = "APPLIED", "UNCHANGED", "FAILED"


@dataclass
class AnnotationOutcome:
    status: str | None  # None when the plan declares no annotations
    rows: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)


def read_state(table) -> ap.TableState:
    properties = {str(k): str(v) for k, v in dict(table.properties()).items()}
    docs = {str(c.name()): (None if c.doc() is None else str(c.doc())) for c in table.schema().columns()}
    return ap.TableState(properties, docs)


def _sql_text(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def applied_sql(identifier: str, change: ap.Change) -> str:
    """The Spark SQL statement equivalent to one change (recorded; the commit goes through the API)."""
    table, target = quote_identifier(identifier), change.item.target
    if target.startswith(ap.DOC):
        comment = "NULL" if change.value is None else _sql_text(change.value)
        return f"ALTER TABLE {table} ALTER COLUMN `{target[len(ap.DOC) :]}` COMMENT {comment}"
    if change.value is None:
        return f"ALTER TABLE {table} UNSET TBLPROPERTIES ({_sql_text(target)})"
    return f"ALTER TABLE {table} SET TBLPROPERTIES ({_sql_text(target)} = {_sql_text(change.value)})"


def _commit(table, changes: tuple[ap.Change, ...], managed_after: str) -> None:
    transaction = table.newTransaction()
    properties = transaction.updateProperties()
    docs = [c for c in changes if c.item.target.startswith(ap.DOC)]
    for change in changes:
        target = change.item.target
        if target.startswith(ap.DOC):
            continue
        if change.value is None:
            properties.remove(target)
        else:
            properties.set(target, change.value)
    if managed_after:
        properties.set(ap.MANAGED_KEY, managed_after)
    else:
        properties.remove(ap.MANAGED_KEY)
    properties.commit()
    if docs:
        schema = transaction.updateSchema()
        for change in docs:
            schema.updateColumnDoc(change.item.target[len(ap.DOC) :], change.value)
        schema.commit()
    transaction.commitTransaction()


def apply_annotations(
    spark, identifier: str, annotations: dict[str, Any] | None, common: dict
) -> AnnotationOutcome:
    """``common``: the columns every evidence row shares (run_id, target_table, timestamps, versions)."""
    items = ap.desired_items(annotations)
    if not items and not annotations:
        return AnnotationOutcome(None)
    try:
        table = iceberg_java.load_table(spark, identifier)
        state = read_state(table)
        plan = ap.diff(items, state)
        result: dict[str, Any] = {"declared": len(items), "changed": len(plan.changes)}
        if plan.missing_columns:
            result["missing_columns"] = list(plan.missing_columns)
        managed_changed = (state.properties.get(ap.MANAGED_KEY) or "") != plan.managed_after
        if plan.unchanged and not managed_changed:
            return AnnotationOutcome(UNCHANGED, _missing_rows(plan, common), result)
        _commit(table, plan.changes, plan.managed_after)
        spark.sql(f"REFRESH TABLE {quote_identifier(identifier)}")
        rows = [_row(identifier, change, APPLIED, None, common) for change in plan.changes]
        status = APPLIED if plan.changes else UNCHANGED
        return AnnotationOutcome(status, rows + _missing_rows(plan, common), result)
    except Exception as error:  # noqa: BLE001 - reported as FAILED; the data write already stands
        message = f"{type(error).__name__}: {error}"
        return AnnotationOutcome(FAILED, [_failure_row(message, common)], {"error": message})


def _row(identifier: str, change: ap.Change, status: str, error: str | None, common: dict) -> dict:
    item = change.item
    return {
        **common,
        "annotation_scope": item.scope,
        "annotation_type": item.annotation_type,
        "column_name": item.column,
        "key": item.key,
        "previous_value": change.previous,
        "value": change.value,
        "status": status,
        "error_message": error,
        "applied_sql": applied_sql(identifier, change),
    }


def _missing_rows(plan: ap.AnnotationDiff, common: dict) -> list[dict]:
    """A column named in annotations that the table does not have: recorded, never applied."""
    return [
        {
            **common,
            "annotation_scope": "column",
            "annotation_type": "column",
            "column_name": column,
            "key": None,
            "status": "SKIPPED",
            "error_message": f"column {column!r} is not in the table; its annotations were not applied",
        }
        for column in plan.missing_columns
    ]


def _failure_row(message: str, common: dict) -> dict:
    return {**common, "annotation_scope": "table", "annotation_type": "all", "status": FAILED,
            "error_message": message}  # fmt: skip
