"""Annotations, operations and access contracts (docs/contract-language.md#annotations-operations-and-access).

Each may live in a sibling ``<stem>.<section>.yaml`` (fields at the document root) or inline in
the ingestion contract under ``annotations`` / ``operations`` / ``access``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from contractforge.models.base import NameList, OptStr, StrictModel

OWNER_KEYS = ("business_owner", "technical_owner", "steward", "support_group", "escalation_group")
PII_TYPES = (
    "address",
    "bank_account",
    "birth_date",
    "credit_card",
    "device_id",
    "document",
    "email",
    "financial",
    "health",
    "ip_address",
    "name",
    "national_id",
    "other",
    "phone",
    "ssn",
    "tax_id",
    "unknown",
)


class SiblingTarget(StrictModel):
    """``target`` in a sibling file: a reviewability check against the ingestion target."""

    catalog: OptStr = None
    schema_name: OptStr = Field(None, alias="schema")
    table: str


class Deprecation(StrictModel):
    since: str
    replacement: str
    removal_date: OptStr = None


class Pii(StrictModel):
    enabled: bool = True
    type: Literal[PII_TYPES] = "unknown"  # type: ignore[valid-type]
    sensitivity: Literal["public", "internal", "restricted", "confidential"] = "internal"


def _non_empty_map(value: dict[str, Any] | None) -> dict[str, Any] | None:
    for key, item in (value or {}).items():
        if not str(key).strip() or item is None or not str(item).strip():
            raise ValueError("tag keys and values must be non-empty")
    return value


class TableAnnotations(StrictModel):
    description: OptStr = None
    aliases: NameList | None = None
    tags: dict[str, Any] | None = None
    deprecated: Deprecation | None = None

    _tags = field_validator("tags")(_non_empty_map)


class ColumnAnnotations(StrictModel):
    description: OptStr = None
    aliases: NameList | None = None
    tags: dict[str, Any] | None = None
    pii: Pii | None = None
    deprecated: Deprecation | None = None


class Annotations(StrictModel):
    key_hints = {"annotations": "declare annotation fields at the document root, not under `annotations:`"}

    target: SiblingTarget | None = None
    policy: Literal["fail", "warn", "ignore"] = "warn"
    table: TableAnnotations | None = None
    columns: dict[str, ColumnAnnotations] | None = None


class Ownership(StrictModel):
    business_owner: OptStr = None
    technical_owner: OptStr = None
    steward: OptStr = None
    support_group: OptStr = None
    escalation_group: OptStr = None


def lift_owner_keys(data: Any) -> Any:
    """Flat owner keys at the root move under ``ownership`` (explicit ownership keys win)."""
    if not isinstance(data, dict) or not any(k in data for k in OWNER_KEYS):
        return data
    data = dict(data)
    ownership = data.get("ownership")
    merged = dict(ownership) if isinstance(ownership, dict) else {}
    for key in OWNER_KEYS:
        if key in data:
            value = data.pop(key)
            merged.setdefault(key, value)
    data["ownership"] = merged if ownership is None or isinstance(ownership, dict) else ownership
    return data


class OperationsCore(StrictModel):
    criticality: Literal["low", "medium", "high", "critical"] | None = None
    expected_frequency: Literal["hourly", "daily", "weekly", "monthly", "ad_hoc"] | None = None
    freshness_sla_minutes: int | None = Field(None, gt=0)
    alert_on_failure: bool = False
    alert_on_quality_fail: bool = False
    runbook_url: OptStr = None
    owners: NameList | None = None
    groups: NameList | None = None
    tags: dict[str, Any] | None = None
    ownership: Ownership | None = None

    key_hints = {
        "owner": "use `ownership: {business_owner, technical_owner, ...}`",
        "frequency": "the field is `expected_frequency`",
    }

    @model_validator(mode="before")
    @classmethod
    def _flat_owners(cls, data: Any) -> Any:
        return lift_owner_keys(data)


class Operations(OperationsCore):
    target: SiblingTarget | None = None
    operations: OperationsCore | None = None


class AccessPolicy(StrictModel):
    mode: Literal["apply", "validate_only", "ignore"] = "apply"
    on_drift: Literal["fail", "warn", "reconcile"] = "warn"
    revoke_unmanaged: bool = False


class Grant(StrictModel):
    principal: str
    privileges: NameList


class AppliesTo(StrictModel):
    principals: NameList | None = None


class RowFilter(StrictModel):
    key_hints = {"expression": "row filters use `function` + `columns`"}

    name: OptStr = None
    function: str
    columns: NameList
    # AWS: Lake Formation evaluates a PartiQL predicate, not a SQL function; `predicate` gives it
    # (e.g. "region = 'EU'"). Without it the filter cannot be enforced (a planning review).
    predicate: OptStr = None
    applies_to: AppliesTo | None = None


class ColumnMask(StrictModel):
    key_hints = {"expression": "column masks use `function` (+ optional `using_columns`)"}

    column: str
    function: str
    using_columns: NameList | None = None
    applies_to: AppliesTo | None = None


class Access(StrictModel):
    target: SiblingTarget | None = None
    access_policy: AccessPolicy | None = None
    grants: tuple[Grant, ...] | None = None
    row_filters: tuple[RowFilter, ...] | None = None
    column_masks: tuple[ColumnMask, ...] | None = None

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        # flat `mode` / `on_drift` / `revoke_unmanaged` are aliases of access_policy.*
        flat = {k: data.pop(k) for k in ("mode", "on_drift", "revoke_unmanaged") if k in data}
        if flat:
            policy = data.get("access_policy")
            merged = dict(policy) if isinstance(policy, dict) else {}
            for key, value in flat.items():
                merged.setdefault(key, value)
            data["access_policy"] = merged if policy is None or isinstance(policy, dict) else policy
        masks = data.get("column_masks")
        if isinstance(masks, dict):  # map form {column: {...}} → list form
            data["column_masks"] = [
                {"column": column, **spec} if isinstance(spec, dict) else spec
                for column, spec in masks.items()
            ]
        return data
