"""``quality_rules`` (docs/contract-language.md#quality-rules). Built-in rules have fixed severities; only
expressions declare one."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from contractforge.models.base import NameList, OptStr, StrictModel

Severity = Literal["warn", "quarantine", "abort"]
MAX_INLINE_ACCEPTED_VALUES = 1000
Scalar = str | int | float | bool


class ExpressionRule(StrictModel):
    name: str
    expression: str
    severity: Severity = "quarantine"
    message: OptStr = None


class CustomRule(StrictModel):
    """``quality_rules.custom.<name>``: an extension map with a typed ``type``/``severity``."""

    model_config = ConfigDict(extra="allow")

    type: OptStr = None
    severity: Severity = "abort"
    message: OptStr = None


class QualityRules(StrictModel):
    key_hints = {
        "ranges": "use `expressions` (e.g. `amount BETWEEN 0 AND 100`)",
        "regex": "use `expressions` (e.g. `email RLIKE '...'`)",
        "between": "use `expressions`",
        "unique": "the rule is `unique_key`",
    }

    required_columns: NameList | None = None
    not_null: NameList | None = None
    unique_key: NameList | None = None
    accepted_values: dict[str, tuple[Scalar, ...]] | None = None
    min_rows: int | None = Field(None, gt=0)
    max_null_ratio: dict[str, float] | None = None
    expressions: tuple[ExpressionRule, ...] | None = None
    custom: dict[str, CustomRule] | None = None

    @field_validator("accepted_values", mode="before")
    @classmethod
    def _scalar_to_list(cls, value: Any) -> Any:
        # `{status: open}` means one accepted value
        if isinstance(value, dict):
            return {k: (v if isinstance(v, (list, tuple)) else [v]) for k, v in value.items()}
        return value

    @field_validator("max_null_ratio")
    @classmethod
    def _ratio_range(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        for column, ratio in (value or {}).items():
            if not 0 <= ratio <= 1:
                raise PydanticCustomError(
                    "ratio_range",
                    "max_null_ratio.{column} must be between 0 and 1, got {ratio}",
                    {"column": column, "ratio": ratio},
                )
        return value

    @model_validator(mode="after")
    def _unique_expression_names(self) -> QualityRules:
        names = [rule.name for rule in self.expressions or ()]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise PydanticCustomError(
                "duplicate_expression",
                "expression rule names must be unique; repeated: {names}",
                {"names": ", ".join(duplicates)},
            )
        return self
