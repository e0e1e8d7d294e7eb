"""``shape`` and ``transform`` (docs/contract-language.md#shape-and-transform)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, model_validator
from pydantic_core import PydanticCustomError

from contractforge.models.base import NameList, OptStr, StrictModel, scalar_or_model


class ParseJson(StrictModel):
    column: str
    schema_name: OptStr = Field(None, alias="schema")
    schema_ref: OptStr = None
    alias: OptStr = None
    drop_source: bool = False
    cast_input: Literal["STRING", "string"] | None = None

    @model_validator(mode="after")
    def _rules(self) -> ParseJson:
        if bool(self.schema_name) == bool(self.schema_ref):
            raise PydanticCustomError("parse_json_schema", "declare exactly one of `schema` or `schema_ref`")
        if "." in self.column and not self.alias:
            raise PydanticCustomError(
                "parse_json_alias", "`alias` is required when `column` is a dotted path"
            )
        if "." in self.column and self.drop_source:
            raise PydanticCustomError("parse_json_drop", "`drop_source` is not allowed for nested paths")
        return self


class Flatten(StrictModel):
    enabled: bool = False
    separator: str = Field("_", min_length=1)
    include: NameList | None = None
    exclude: NameList | None = None
    max_depth: int = Field(10, gt=0)


class ZipArrays(StrictModel):
    alias: str
    columns: dict[str, str]

    @model_validator(mode="after")
    def _rules(self) -> ZipArrays:
        if len(self.columns) < 2:
            raise PydanticCustomError("zip_columns", "zip_arrays needs at least two columns")
        if len(set(self.columns.values())) != len(self.columns):
            raise PydanticCustomError("zip_columns", "zip_arrays field aliases must be unique")
        return self


class ArrayRule(StrictModel):
    path: str
    mode: Literal["keep", "to_json", "size", "first", "explode", "explode_outer"] = "keep"
    alias: OptStr = None
    allow_cartesian: bool = False


class ShapeColumn(StrictModel):
    alias: OptStr = None
    cast: OptStr = None
    expression: OptStr = None


class Shape(StrictModel):
    parse_json: tuple[ParseJson, ...] | None = None
    flatten: scalar_or_model(bool, Flatten) | None = None
    zip_arrays: tuple[ZipArrays, ...] | None = None
    arrays: tuple[ArrayRule, ...] | None = None
    columns: dict[str, scalar_or_model(str, ShapeColumn)] | None = None
    allow_cardinality_change_on_bronze: bool = False

    @model_validator(mode="after")
    def _unique_outputs(self) -> Shape:
        outputs = [p.alias or p.column for p in self.parse_json or ()]
        if len(set(outputs)) != len(outputs):
            raise PydanticCustomError("parse_json_outputs", "parse_json outputs must be unique")
        zips = [z.alias for z in self.zip_arrays or ()]
        if len(set(zips)) != len(zips):
            raise PydanticCustomError("zip_aliases", "zip_arrays aliases must be unique")
        aliases = []
        for path, spec in (self.columns or {}).items():
            alias = spec if isinstance(spec, str) else (spec.alias if spec else None)
            aliases.append(alias or path.replace(".", "_"))
        if len(set(aliases)) != len(aliases):
            raise PydanticCustomError("shape_column_aliases", "shape.columns aliases must be unique")
        return self


class Standardize(StrictModel):
    trim: bool = False
    lower: bool = False
    upper: bool = False
    normalize_whitespace: bool = False
    empty_as_null: bool = False

    @model_validator(mode="after")
    def _case(self) -> Standardize:
        if self.lower and self.upper:
            raise PydanticCustomError("standardize_case", "`lower` and `upper` are mutually exclusive")
        return self


class OrderBy(StrictModel):
    column: str
    direction: Literal["asc", "desc", "ASC", "DESC"] = "desc"
    nulls: Literal["first", "last", "FIRST", "LAST"] | None = None


OrderByField = Annotated[
    Union[Annotated[str, Tag("<scalar>")], Annotated[tuple[OrderBy, ...], Tag("<list>")]],  # noqa: UP007
    Discriminator(lambda v: "<scalar>" if isinstance(v, str) else "<list>"),
]


class Deduplicate(StrictModel):
    keys: NameList
    order_by: OrderByField | None = None


class CustomTransform(StrictModel):
    name: OptStr = None
    description: OptStr = None
    output: OptStr = None
    expected_columns: NameList | None = None
    parameters: dict[str, Any] | None = None


class Transform(StrictModel):
    key_hints = {
        "rename": "renames are `column_mapping` at the contract root",
        "flatten": "flattening is `shape.flatten`",
        "filter": "filtering is `filter_expression` at the contract root",
    }

    shape: Shape | None = None
    cast: dict[str, str] | None = Field(None, min_length=1)
    standardize: dict[str, Standardize] | None = None
    derive: dict[str, str] | None = None
    composite_keys: dict[str, NameList] | None = None
    deduplicate: Deduplicate | None = None
    custom: CustomTransform | None = None
