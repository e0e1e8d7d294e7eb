"""Connection files (docs/contract-language.md#loading-rules): a source mapping at the root or under
``source:``.

A connection is validated as a source after the ingestion overrides are merged over it; this
model exists for ``contractforge schema connection`` and for validating a connection file alone.
"""

from __future__ import annotations

from typing import Any

from pydantic import RootModel, model_validator

from contractforge.models.source import SourceModel


class ConnectionFile(RootModel[SourceModel]):
    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and isinstance(data.get("source"), dict)
            and set(data) <= {"source", "_metadata"}
        ):
            return data["source"]
        return data
