"""Tag-resource permission listing for moto 5.2.5's Lake Formation.

moto's ``ListPermissions`` filters only on catalog / database / table / data-location resources: an
``LFTag`` or ``LFTagPolicy`` resource is refused with "Resource must have either the catalog, table or
database field populated", which the provider sends to read back every tag grant it made. This answers
``ListPermissions`` for those two resource kinds from moto's own grant records. Like the other harness
patches it changes the fake AWS, never the code under test.

Not patched, on purpose: moto implements no data-cells filter API (``CreateDataCellsFilter`` answers
404), so tests/terraform/test_governance_on_moto.py applies the root without the filters and checks
them in the real provider's plan instead of in an imitation of the service.
"""

from __future__ import annotations

import json
from typing import Any

_TAG_RESOURCES = ("LFTag", "LFTagPolicy")
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


def patch_tag_permission_listing() -> None:
    from moto.lakeformation.responses import LakeFormationResponse

    if not getattr(LakeFormationResponse.list_permissions, "patched", False):
        LakeFormationResponse.list_permissions = _list_permissions(LakeFormationResponse.list_permissions)
