"""Shared building blocks of every contract model.

Normalisation decisions (also in docs/contract-language.md):

- **List-or-string fields** (``merge_keys``, ``hash_keys``, ``not_null``, ``owners`` ...) accept a
  YAML list or one string. A string is split on commas and each item stripped; empty items are
  dropped. The value is always stored as a ``tuple[str, ...]`` (``"a, b"`` → ``("a", "b")``).
  The original kept ``"a,b"`` as one key in some places and split it in others.
- Strings are stripped; optional strings that are empty become ``None``.
- Models are frozen and forbid unknown keys (``extra="forbid"``) unless documented as an
  extension map. Fields whose YAML name clashes with pydantic (``schema``) are exposed as
  ``schema_name`` and keep their YAML spelling as alias.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Tag,
    WithJsonSchema,
)


class StrictModel(BaseModel):
    """Base of every first-class model: unknown keys are errors, strings are stripped."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        frozen=True,
        populate_by_name=True,
        validate_default=False,
    )

    # Keys with a targeted hint when they appear as unknown keys (legacy or misplaced fields).
    key_hints: ClassVar[dict[str, str]] = {}


class OpenModel(StrictModel):
    """A typed view over an extension map: known keys are checked, unknown keys are kept."""

    model_config = ConfigDict(extra="allow")


def split_list(value: Any) -> Any:
    """List-or-string normalisation: ``"a, b"`` → ``("a", "b")``; lists are stripped, kept in order."""
    if value is None:
        return value
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, (list, tuple)):
        return tuple(item.strip() if isinstance(item, str) else item for item in value)
    return value


def empty_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


_LIST_OR_STRING_SCHEMA = {
    "anyOf": [
        {"type": "string", "description": "comma-separated names"},
        {"type": "array", "items": {"type": "string"}},
    ]
}

# A list-or-string field, always a tuple of names after validation.
NameList = Annotated[tuple[str, ...], BeforeValidator(split_list), WithJsonSchema(_LIST_OR_STRING_SCHEMA)]
OptStr = Annotated[str | None, BeforeValidator(empty_to_none)]


def _by_shape(value: Any) -> str:
    return "<mapping>" if isinstance(value, (dict, BaseModel)) else "<scalar>"


def scalar_or_model(scalar: Any, model: type[BaseModel]) -> Any:
    """``scalar | model`` chosen by the input's shape, so errors talk about one variant only."""
    return Annotated[
        Union[Annotated[scalar, Tag("<scalar>")], Annotated[model, Tag("<mapping>")]],  # noqa: UP007
        Discriminator(_by_shape),
    ]


def value_or_layer_map(value_type: Any) -> Any:
    """``value`` or ``{layer: value, default: value}`` (project defaults), chosen by shape."""
    return Annotated[
        Union[  # noqa: UP007
            Annotated[value_type, Tag("<scalar>")],
            Annotated[dict[str, value_type], Tag("<mapping>")],
        ],
        Discriminator(_by_shape),
    ]


# Loc parts pydantic inserts for union variants; never real keys (they start with '<').
def is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and (part.startswith("<") or "[" in part)
