"""Data-cells filters and tag-resource permission listing for moto 5.2.5's Lake Formation.

moto lists data-cells filters but cannot create any, and its ``ListPermissions`` filters only on
catalog / database / table / data-location resources (an ``LFTag``, ``LFTagPolicy`` or
``DataCellsFilter`` resource is refused with "Resource must have either the catalog, table or database
field populated", which the provider sends to read back every grant it made). This adds
``CreateDataCellsFilter``, ``GetDataCellsFilter``, ``DeleteDataCellsFilter``, a
``ListDataCellsFilter`` that returns what was created (optionally for one table), and answers
``ListPermissions`` for those three resource kinds from moto's own grant records.
Like the other harness patches it changes the fake AWS, never the code under test; it must run
before moto builds its Lake Formation app (the first Lake Formation request of the server).
"""

from __future__ import annotations

import json
from typing import Any

_ACTIONS = ("CreateDataCellsFilter", "GetDataCellsFilter", "DeleteDataCellsFilter")


def _filters(response: Any) -> dict[tuple[str, str, str], dict[str, Any]]:
    return response.lakeformation_backend.__dict__.setdefault("_data_cells_filters", {})


def _create(self: Any) -> str:
    from moto.lakeformation.exceptions import AlreadyExists

    data = dict(self._get_param("TableData"))
    key = (data["DatabaseName"], data["TableName"], data["Name"])
    if key in _filters(self):
        raise AlreadyExists(f"data cells filter {data['Name']} already exists")
    data.setdefault("TableCatalogId", self.current_account)
    data.setdefault("VersionId", "1")
    _filters(self)[key] = data
    return "{}"


def _key(self: Any) -> tuple[str, str, str]:
    return (self._get_param("DatabaseName"), self._get_param("TableName"), self._get_param("Name"))


def _get(self: Any) -> str:
    from moto.lakeformation.exceptions import EntityNotFound

    found = _filters(self).get(_key(self))
    if found is None:
        raise EntityNotFound("data cells filter not found")
    return json.dumps({"DataCellsFilter": found})


def _delete(self: Any) -> str:
    _filters(self).pop(_key(self), None)
    return "{}"


def _list(self: Any) -> str:
    table = self._get_param("Table") or {}
    found = [
        f
        for (db, name, _), f in sorted(_filters(self).items())
        if not table or (db == table.get("DatabaseName") and name == table.get("Name"))
    ]
    return json.dumps({"DataCellsFilters": found})


_TAG_RESOURCES = ("LFTag", "LFTagPolicy", "DataCellsFilter")
_CATALOG_KEYS = ("CatalogId", "TableCatalogId")


def _normal(value: Any) -> Any:
    """A resource without catalog ids, lists sorted: grants and queries compare equal however sent."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if k not in _CATALOG_KEYS}
    if isinstance(value, list):
        return sorted((_normal(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def _list_permissions(original):
    def list_permissions(self: Any) -> str:
        resource = self._get_param("Resource") or {}
        if not any(kind in resource for kind in _TAG_RESOURCES):
            return original(self)
        principal = self._get_param("Principal")
        catalog = self.lakeformation_backend.grants.get(self._get_param("CatalogId") or self.current_account)
        found = [
            p.to_external_form()
            for p in (catalog.permissions if catalog else [])
            if (principal is None or p.principal == principal) and _normal(p.resource) == _normal(resource)
        ]
        return json.dumps({"PrincipalResourcePermissions": found})

    list_permissions.patched = True
    return list_permissions


def patch_data_cells_filters() -> None:
    from moto.lakeformation import urls
    from moto.lakeformation.responses import LakeFormationResponse

    LakeFormationResponse.create_data_cells_filter = _create
    LakeFormationResponse.get_data_cells_filter = _get
    LakeFormationResponse.delete_data_cells_filter = _delete
    LakeFormationResponse.list_data_cells_filter = _list
    if not getattr(LakeFormationResponse.list_permissions, "patched", False):
        LakeFormationResponse.list_permissions = _list_permissions(LakeFormationResponse.list_permissions)
    for action in _ACTIONS:
        urls.url_paths.setdefault("{0}/" + action + "$", urls.response.dispatch)
