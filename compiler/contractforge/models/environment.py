"""The environment contract (docs/contract-language.md#environment), optionally wrapped under
``environment:``.

Typed parts: ``artifacts``, ``evidence``, ``parameters.aws``, ``capabilities``; the other maps stay
opaque. ``evidence.schema`` / ``artifacts.path`` are accepted aliases, read them through
``evidence_database`` / ``artifacts_uri``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from contractforge.models.aws_extension import AwsParameters
from contractforge.models.base import NameList, OpenModel, OptStr, StrictModel

_SEMANTIC = "belongs in the ingestion contract, not in the environment"
SEMANTIC_KEY_HINTS = {
    key: _SEMANTIC
    for key in (
        "access",
        "annotations",
        "layer",
        "merge_keys",
        "mode",
        "operations",
        "quality_rules",
        "schema_policy",
        "source",
        "target",
        "target_table",
        "transform",
    )
}


class Artifacts(OpenModel):
    uri: OptStr = None
    path: OptStr = None
    layout: OptStr = None
    include_contract_bundle: bool = False
    include_normalized_contract: bool = False
    include_rendered_artifacts: bool = True
    include_manifest: bool = True


class Evidence(OpenModel):
    database: OptStr = None
    schema_name: OptStr = Field(None, alias="schema")
    # the evidence tables are <table_prefix><suffix> (default ctrl_ingestion_: ctrl_ingestion_runs, …)
    table_prefix: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64)


class Capabilities(StrictModel):
    require: NameList | None = None
    prefer: NameList | None = None
    forbid: NameList | None = None


class Parameters(OpenModel):
    aws: AwsParameters | None = None


class Environment(StrictModel):
    key_hints = SEMANTIC_KEY_HINTS

    name: str = "dev"
    adapter: str
    runtime: dict[str, Any] | str | None = None
    deployment: dict[str, Any] | None = None
    artifacts: Artifacts | None = None
    evidence: Evidence | None = None
    secrets: dict[str, Any] | None = None
    defaults: dict[str, Any] | None = None
    parameters: Parameters | None = None
    capabilities: Capabilities | None = None

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, data: Any) -> Any:
        # `environment: {...}` wrapper (optionally beside `_metadata`) is accepted
        if isinstance(data, dict) and isinstance(data.get("environment"), dict):
            if set(data) <= {"environment", "_metadata"}:
                return data["environment"]
        return data

    @property
    def evidence_database(self) -> str | None:
        return (self.evidence.database or self.evidence.schema_name) if self.evidence else None

    @property
    def evidence_table_prefix(self) -> str | None:
        return self.evidence.table_prefix if self.evidence else None

    @property
    def artifacts_uri(self) -> str | None:
        return (self.artifacts.uri or self.artifacts.path) if self.artifacts else None

    @property
    def aws(self) -> AwsParameters:
        """``parameters.aws`` (an empty one when absent)."""
        return (self.parameters.aws if self.parameters else None) or _EMPTY_AWS


_EMPTY_AWS = AwsParameters()
