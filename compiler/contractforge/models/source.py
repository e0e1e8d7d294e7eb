"""``source`` (docs/sources.md#source-types-and-families): a table name string, the connector model or the
generic model.

The variant is chosen by ``type`` before validation (``connector`` → ConnectorSource, any other
type → GenericSource, a plain string → table name), so errors always talk about one model.
``type`` is stored lower-case. Additions over the original's field lists, because its own
planner reads them: ``source_complete`` (snapshot completeness), ``watermark_column`` and
``connection`` on the generic model (set when a connection file was merged in).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Discriminator, Field, Tag, field_validator, model_validator
from pydantic_core import PydanticCustomError

from contractforge.models.base import NameList, OptStr, StrictModel, scalar_or_model
from contractforge.source_families import FAMILY_OF

PositiveInt = Annotated[int, Field(gt=0)]
StrOrMap = Union[str, dict[str, Any]]  # noqa: UP007


def _blank_strings_to_none(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in data.items()}
    return data


def _check_options_schema(options: dict[str, Any] | None, read: dict[str, Any] | None) -> None:
    if options and "schema" in options:
        raise PydanticCustomError(
            "options_schema", "options.schema is not allowed; declare the schema as `source.read.schema`"
        )


class TableRef(StrictModel):
    layer: str
    table: str
    schema_name: OptStr = Field(None, alias="schema")
    catalog: OptStr = None


TableRefField = scalar_or_model(str, TableRef)


class SourceInput(StrictModel):
    alias: str
    ref: OptStr = None
    table: OptStr = None
    table_ref: TableRefField | None = None
    path: OptStr = None
    query: OptStr = None

    @model_validator(mode="after")
    def _one_locator(self) -> SourceInput:
        if not any((self.ref, self.table, self.table_ref, self.path, self.query)):
            raise PydanticCustomError(
                "input_locator", "an input needs at least one of: ref, table, table_ref, path, query"
            )
        return self


class Discovery(StrictModel):
    strategy: Literal["event_driven", "file_listing", "queue_based"] | None = None
    tracking: Literal["external_queue", "external_state", "filename_pattern", "modification_time"] | None = (
        None
    )
    pattern: OptStr = None
    queue: OptStr = None


class StateLocation(StrictModel):
    type: Literal["database_table", "key_value_store", "object_storage"]
    path: OptStr = None
    table: OptStr = None
    key: OptStr = None

    @model_validator(mode="after")
    def _one_locator(self) -> StateLocation:
        if not any((self.path, self.table, self.key)):
            raise PydanticCustomError(
                "state_location", "state.location needs at least one of: path, table, key"
            )
        return self


class SourceState(StrictModel):
    storage: Literal["adapter_managed", "external", "job_local"] = "adapter_managed"
    location: StateLocation | None = None

    @model_validator(mode="after")
    def _external_needs_location(self) -> SourceState:
        if self.storage == "external" and self.location is None:
            raise PydanticCustomError("state_location", "state.storage 'external' requires state.location")
        return self


class _SourceMaps(StrictModel):
    """The free-form sub-maps both source models share."""

    options: dict[str, Any] | None = None
    read: dict[str, Any] | None = None
    request: dict[str, Any] | None = None
    auth: dict[str, Any] | None = None
    pagination: dict[str, Any] | None = None
    response: dict[str, Any] | None = None
    incremental: dict[str, Any] | None = None
    limits: dict[str, Any] | None = None
    source_complete: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _blank(cls, data: Any) -> Any:
        return _blank_strings_to_none(data)

    @model_validator(mode="after")
    def _options_schema(self) -> _SourceMaps:
        _check_options_schema(self.options, self.read)
        return self


class ConnectorSource(_SourceMaps):
    """``type: connector`` with ``connector: <name>`` (the only model with ``provider``)."""

    type: Literal["connector"]
    connector: str
    name: OptStr = None
    provider: OptStr = None
    system: OptStr = None
    protocol: OptStr = None
    mode: OptStr = None
    connection: OptStr = None
    format: OptStr = None
    path: OptStr = None
    host: OptStr = None
    port: Annotated[int, Field(ge=1, le=65535)] | None = None
    mailbox: OptStr = None
    object: OptStr = None
    account_url: OptStr = None
    container: OptStr = None
    site: OptStr = None
    drive: OptStr = None
    url: OptStr = None
    environment_url: OptStr = None
    entity: OptStr = None
    index: OptStr = None
    uri: OptStr = None
    database: OptStr = None
    collection: OptStr = None
    table: OptStr = None
    query: Any = None
    select: Any = None
    filter: OptStr = None
    expand: Any = None
    orderby: OptStr = None
    top: PositiveInt | None = None
    pipeline: Any = None

    @field_validator("type", "connector", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _jdbc_table_or_query(self) -> ConnectorSource:
        if FAMILY_OF.get(self.connector or "") == "jdbc" and self.table and self.query:
            raise PydanticCustomError(
                "jdbc_table_query", "declare either `table` or `query` for JDBC, not both"
            )
        return self


class GenericSource(_SourceMaps):
    """Any ``type`` other than ``connector``."""

    type: str
    intent: (
        Literal[
            "api_call",
            "catalog_query",
            "custom_treatment",
            "database_query",
            "file_batch",
            "file_stream",
            "native_handoff",
            "object_files",
            "stream_replay",
        ]
        | None
    ) = None
    name: OptStr = None
    format: OptStr = None
    path: OptStr = None
    table: OptStr = None
    ref: OptStr = None
    table_ref: TableRefField | None = None
    inputs: tuple[SourceInput, ...] | None = None
    query: OptStr = None
    url: OptStr = None
    system: OptStr = None
    object: OptStr = None
    connection_path: OptStr = None
    connection: OptStr = None
    progress_location: OptStr = None
    schema_tracking_location: OptStr = None
    schema_hints: StrOrMap | None = None
    trigger: OptStr = None
    bootstrap_servers: OptStr = None
    topic: OptStr = None
    topics: NameList | None = None
    assign: StrOrMap | None = None
    starting_offsets: StrOrMap | None = None
    ending_offsets: StrOrMap | None = None
    starting_timestamp: Union[str, int] | None = None  # noqa: UP007
    ending_timestamp: Union[str, int] | None = None  # noqa: UP007
    max_offsets_per_trigger: PositiveInt | None = None
    connection_string: OptStr = None
    event_hub_name: OptStr = None
    profile_file: OptStr = None
    starting_position: StrOrMap | None = None
    ending_position: StrOrMap | None = None
    max_events_per_trigger: PositiveInt | None = None
    checkpoint_location: OptStr = None
    discovery: Discovery | None = None
    state: SourceState | None = None
    watermark: dict[str, Any] | None = None
    watermark_column: OptStr = None

    @field_validator("type", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _custom_transform_inputs(self) -> GenericSource:
        if self.type == "custom_transform":
            if not self.inputs:
                raise PydanticCustomError("custom_inputs", "custom_transform sources need `inputs`")
            aliases = [item.alias for item in self.inputs]
            if len(set(aliases)) != len(aliases):
                raise PydanticCustomError("custom_inputs", "custom_transform input aliases must be unique")
        return self


def _source_variant(value: Any) -> str:
    if isinstance(value, str):
        return "<table-name>"
    if isinstance(value, ConnectorSource):
        return "<connector>"
    if isinstance(value, BaseModel):
        return "<generic>"
    if isinstance(value, dict) and str(value.get("type", "")).strip().lower() == "connector":
        return "<connector>"
    return "<generic>"


Source = Annotated[
    Union[  # noqa: UP007
        Annotated[str, Tag("<table-name>")],
        Annotated[ConnectorSource, Tag("<connector>")],
        Annotated[GenericSource, Tag("<generic>")],
    ],
    Discriminator(_source_variant),
]

SourceModel = Annotated[
    Union[Annotated[ConnectorSource, Tag("<connector>")], Annotated[GenericSource, Tag("<generic>")]],  # noqa: UP007
    Discriminator(_source_variant),
]
