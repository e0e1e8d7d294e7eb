"""What the annotations of a run plan ask the Iceberg table to look like, and how it differs from now.

Pure (no Spark). Every annotation becomes one *item*: a column doc or a table property.

- table description → the ``comment`` table property (Spark shows it as the table Comment; Iceberg's
  Glue catalog writes it to the Glue table Description);
- column description → the Iceberg column doc (Glue column Comment, Athena ``DESCRIBE``);
- everything else → namespaced table properties, since Iceberg columns have no properties:
  ``contractforge.tag.<key>``, ``contractforge.aliases``, ``contractforge.deprecated.<field>``,
  ``contractforge.column.<column>.{tag.<key>,aliases,pii.<field>,deprecated.<field>}``.

``contractforge.annotations.managed`` lists the keys the runner set, so an annotation removed from
the contract is removed from the table (and a doc or property somebody else set is left alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PREFIX = "contractforge."
MANAGED_KEY = "contractforge.annotations.managed"
DESCRIPTION_PROPERTY = "comment"
DOC = "doc:"  # managed-list marker of a column doc


@dataclass(frozen=True)
class Item:
    """One annotation as the table stores it."""

    scope: str  # "table" | "column"
    annotation_type: str  # description | tag | alias | deprecation | pii
    column: str | None
    key: str  # the logical field, e.g. "description", "domain", "pii.type"
    value: str | None

    @property
    def target(self) -> str:
        """``doc:<column>`` for a column doc, else the table property key."""
        if self.annotation_type == "description":
            return f"{DOC}{self.column}" if self.scope == "column" else DESCRIPTION_PROPERTY
        base = PREFIX if self.scope == "table" else f"{PREFIX}column.{self.column}."
        return base + self.key


@dataclass(frozen=True)
class Change:
    item: Item
    previous: str | None  # what the table held
    value: str | None  # None = remove


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _aliases(value: Any) -> str | None:
    names = [str(v).strip() for v in (value if isinstance(value, (list, tuple)) else [value]) if v]
    return ", ".join(n for n in names if n) or None


def _common(scope: str, column: str | None, spec: dict[str, Any]) -> list[Item]:
    items = []
    if spec.get("description"):
        items.append(Item(scope, "description", column, "description", str(spec["description"])))
    for key, value in sorted((spec.get("tags") or {}).items()):
        items.append(Item(scope, "tag", column, f"tag.{key}", _text(value)))
    aliases = _aliases(spec.get("aliases"))
    if aliases:
        items.append(Item(scope, "alias", column, "aliases", aliases))
    for key, value in sorted((spec.get("deprecated") or {}).items()):
        if value is not None:
            items.append(Item(scope, "deprecation", column, f"deprecated.{key}", _text(value)))
    return items


def desired_items(annotations: dict[str, Any] | None) -> list[Item]:
    """The annotations of a run plan (``metadata.annotations``) as items, in a stable order."""
    annotations = annotations or {}
    items = _common("table", None, annotations.get("table") or {})
    for column, spec in sorted((annotations.get("columns") or {}).items()):
        spec = spec or {}
        items += _common("column", column, spec)
        pii = spec.get("pii")
        if pii:
            for key in ("enabled", "type", "sensitivity"):
                default = {"enabled": True, "type": "unknown", "sensitivity": "internal"}[key]
                items.append(Item("column", "pii", column, f"pii.{key}", _text(pii.get(key, default))))
    return items


@dataclass(frozen=True)
class TableState:
    properties: dict[str, str]
    docs: dict[str, str | None]  # top-level column → doc

    @property
    def managed(self) -> set[str]:
        text = self.properties.get(MANAGED_KEY) or ""
        return {part for part in text.split(",") if part}

    def current(self, target: str) -> str | None:
        if target.startswith(DOC):
            return self.docs.get(target[len(DOC) :])
        return self.properties.get(target)


@dataclass(frozen=True)
class AnnotationDiff:
    changes: tuple[Change, ...]
    missing_columns: tuple[str, ...]  # annotated columns the table does not have
    managed_after: str  # the new MANAGED_KEY value

    @property
    def unchanged(self) -> bool:
        return not self.changes


def diff(items: list[Item], state: TableState) -> AnnotationDiff:
    missing = sorted({i.column for i in items if i.column is not None and i.column not in state.docs})
    wanted = [i for i in items if i.column is None or i.column in state.docs]
    changes = [
        Change(i, state.current(i.target), i.value) for i in wanted if state.current(i.target) != i.value
    ]
    targets = {i.target for i in wanted}
    for target in sorted(state.managed - targets):  # set by an earlier run, no longer declared
        previous = state.current(target)
        if previous is not None and not (target.startswith(DOC) and target[len(DOC) :] not in state.docs):
            changes.append(Change(_removed_item(target), previous, None))
    managed_after = ",".join(sorted(targets))
    return AnnotationDiff(tuple(changes), tuple(missing), managed_after)


def _removed_item(target: str) -> Item:
    if target.startswith(DOC):
        return Item("column", "description", target[len(DOC) :], "description", None)
    if target == DESCRIPTION_PROPERTY:
        return Item("table", "description", None, "description", None)
    key = target[len(PREFIX) :]
    column = None
    if key.startswith("column."):
        column, key = key[len("column.") :].split(".", 1)
    kind = key.split(".", 1)[0]
    annotation_type = {"tag": "tag", "aliases": "alias", "deprecated": "deprecation", "pii": "pii"}.get(
        kind, kind
    )
    return Item("column" if column else "table", annotation_type, column, key, None)
