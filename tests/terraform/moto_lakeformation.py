"""Data-cells filters for moto 5.2.5's Lake Formation, which lists them but cannot create any.

Adds ``CreateDataCellsFilter``, ``GetDataCellsFilter``, ``DeleteDataCellsFilter`` and a
``ListDataCellsFilter`` that returns what was created (optionally for one table), stored per backend.
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


def patch_data_cells_filters() -> None:
    from moto.lakeformation import urls
    from moto.lakeformation.responses import LakeFormationResponse

    LakeFormationResponse.create_data_cells_filter = _create
    LakeFormationResponse.get_data_cells_filter = _get
    LakeFormationResponse.delete_data_cells_filter = _delete
    LakeFormationResponse.list_data_cells_filter = _list
    for action in _ACTIONS:
        urls.url_paths.setdefault("{0}/" + action + "$", urls.response.dispatch)
