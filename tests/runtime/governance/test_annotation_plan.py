"""annotation_plan: annotations → items, and the difference to a table's current state (pure)."""

from __future__ import annotations

from contractforge_runtime.governance import annotation_plan as ap

ANNOTATIONS = {
    "table": {
        "description": "Orders.",
        "tags": {"domain": "sales"},
        "aliases": ["orders_raw"],
        "deprecated": {"since": "2026-01", "replacement": "s_orders"},
    },
    "columns": {
        "customer_id": {"description": "Customer.", "pii": {"enabled": True, "type": "email"}},
        "ghost": {"description": "Not in the table."},
    },
}


def _state(properties=None, docs=None):
    return ap.TableState(
        properties or {}, docs if docs is not None else {"order_id": None, "customer_id": None}
    )


def test_items_cover_every_annotation_kind():
    targets = {i.target: i.value for i in ap.desired_items(ANNOTATIONS)}
    assert targets == {
        "comment": "Orders.",
        "contractforge.tag.domain": "sales",
        "contractforge.aliases": "orders_raw",
        "contractforge.deprecated.since": "2026-01",
        "contractforge.deprecated.replacement": "s_orders",
        "doc:customer_id": "Customer.",
        "contractforge.column.customer_id.pii.enabled": "true",
        "contractforge.column.customer_id.pii.type": "email",
        "contractforge.column.customer_id.pii.sensitivity": "internal",
        "doc:ghost": "Not in the table.",
    }


def test_missing_column_is_reported_not_applied():
    plan = ap.diff(ap.desired_items(ANNOTATIONS), _state())
    assert plan.missing_columns == ("ghost",)
    assert all(c.item.column != "ghost" for c in plan.changes)
    assert len(plan.changes) == 9


def test_applied_state_is_unchanged_and_removals_only_touch_managed_keys():
    items = ap.desired_items(ANNOTATIONS)
    first = ap.diff(items, _state())
    properties = {c.item.target: c.value for c in first.changes if not c.item.target.startswith(ap.DOC)}
    properties[ap.MANAGED_KEY] = first.managed_after
    properties["owner.note"] = "set by somebody else"
    docs = {"order_id": "kept", "customer_id": "Customer."}
    assert ap.diff(items, _state(properties, docs)).unchanged

    fewer = {"table": {"description": "Orders, renamed."}, "columns": {}}
    second = ap.diff(ap.desired_items(fewer), _state(properties, docs))
    changed = {c.item.target: (c.previous, c.value) for c in second.changes}
    assert changed["comment"] == ("Orders.", "Orders, renamed.")
    assert changed["doc:customer_id"] == ("Customer.", None)
    assert changed["contractforge.tag.domain"] == ("sales", None)
    assert "owner.note" not in changed and "doc:order_id" not in changed
    assert second.managed_after == "comment"
