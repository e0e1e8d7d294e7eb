"""Turn pydantic ``ValidationError``s into located, readable ``ContractForgeError``s.

One ``Problem`` per error: file:line:col (from the SourceMap, falling back to the nearest parent
key), the field path *as written in that file*, what was expected, and for unknown keys the
nearest valid key (``merge_key`` → ``merge_keys``) or a targeted hint (legacy keys).
"""

from __future__ import annotations

import difflib
import types
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, RootModel, ValidationError

from contractforge.errors import ContractForgeError, Problem, dotted
from contractforge.loader.yaml_walk import PathKey, SourceMap
from contractforge.models.base import is_union_tag


@dataclass
class SourceLocator:
    """Maps a path in a (possibly merged) mapping back to the file and position it came from.

    Each layer says: data under ``prefix`` came from ``source_map`` where it lived under
    ``inner``. The first layer holding the exact path wins; otherwise the nearest ancestor
    inside the most specific matching layer.
    """

    layers: list[tuple[PathKey, SourceMap, PathKey]] = field(default_factory=list)

    def add(self, prefix: PathKey, source_map: SourceMap, inner: PathKey = ()) -> None:
        """Exact matches are searched in the order layers were added (add overrides first)."""
        self.layers.append((tuple(prefix), source_map, tuple(inner)))

    @classmethod
    def single(cls, source_map: SourceMap, inner: PathKey = ()) -> SourceLocator:
        locator = cls()
        locator.add((), source_map, inner)
        return locator

    def _matching(self, path: PathKey):
        for prefix, smap, inner in self.layers:
            if path[: len(prefix)] == prefix:
                yield len(prefix), smap, (*inner, *path[len(prefix) :])

    def locate(
        self, path: PathKey, prefer_key: bool = False
    ) -> tuple[str | None, int | None, int | None, PathKey]:
        """``(file, line, column, path inside that file)``; line/column may be None."""
        path = tuple(path)
        candidates = list(self._matching(path))
        for _, smap, inner in candidates:
            if smap.has(inner):
                line, column = smap.locate(inner, prefer_key) or (None, None)
                return smap.file, line, column, inner
        if not candidates:
            return None, None, None, path
        _, smap, inner = max(candidates, key=lambda c: c[0])
        hit = smap.locate(inner, prefer_key)
        line, column = hit if hit else (None, None)
        return smap.file, line, column, inner

    def problem(
        self, path: PathKey, message: str, suggestion: str | None = None, code: str | None = None
    ) -> Problem:
        """A ``Problem`` located at ``path`` (file, line, column and the field path in that file)."""
        file, line, column, inner = self.locate(path)
        return Problem(message, file, line, column, dotted(inner) or None, suggestion, code)


# ---------------------------------------------------------------- model lookup (error paths only)


def _strip_annotated(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _candidates(tp: Any) -> list[Any]:
    tp = _strip_annotated(tp)
    if get_origin(tp) in (Union, types.UnionType):
        result = []
        for arg in get_args(tp):
            result.extend(_candidates(arg))
        return result
    return [tp]


def _pick(tp: Any, value: Any) -> Any:
    """The variant of ``tp`` that ``value`` is validated against (mirrors our discriminators)."""
    options = [c for c in _candidates(tp) if c is not type(None)]
    if isinstance(value, dict):
        models = [c for c in options if isinstance(c, type) and issubclass(c, BaseModel)]
        if len(models) > 1:
            by_name = {m.__name__: m for m in models}
            wanted = (
                "ConnectorSource"
                if str(value.get("type", "")).strip().lower() == "connector"
                else "GenericSource"
            )
            if wanted in by_name:
                return by_name[wanted]
        if models:
            return models[0]
        maps = [c for c in options if get_origin(c) is dict]
        return maps[0] if maps else options[0] if options else None
    if isinstance(value, list):
        seqs = [c for c in options if get_origin(c) in (tuple, list)]
        return seqs[0] if seqs else (options[0] if options else None)
    return options[0] if options else None


def _fields_of(model: type[BaseModel]) -> dict[str, Any]:
    """YAML spelling (alias if any) → annotation."""
    return {(info.alias or name): info.annotation for name, info in model.model_fields.items()}


def model_at(root: Any, data: Any, path: PathKey) -> type[BaseModel] | None:
    """The model class validating the mapping found at ``path`` of ``data``."""
    tp, value = root, data
    remaining = list(path)
    while True:
        tp = _pick(tp, value)
        if tp is None:
            return None
        if isinstance(tp, type) and issubclass(tp, RootModel):
            tp = tp.model_fields["root"].annotation
            continue
        if not remaining:
            return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None
        key = remaining.pop(0)
        origin = get_origin(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            annotation = _fields_of(tp).get(key)
            if annotation is None:
                return None
            tp = annotation
        elif origin is dict:
            tp = get_args(tp)[1]
        elif origin in (tuple, list):
            tp = get_args(tp)[0]
        else:
            return None
        value = (
            value.get(key)
            if isinstance(value, dict)
            else (
                value[key] if isinstance(value, list) and isinstance(key, int) and key < len(value) else None
            )
        )


# ---------------------------------------------------------------- messages

_TYPE_WORDS = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
}


_CODES = {"extra_forbidden": "UNKNOWN_FIELD", "missing": "REQUIRED_FIELD", "literal_error": "INVALID_CHOICE"}


def _code(kind: str) -> str:
    if kind in _CODES:
        return _CODES[kind]
    return "INVALID_TYPE" if kind in _TYPE_WORDS else kind.upper()


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _data_path(loc: tuple) -> PathKey:
    """The loc without the tags pydantic inserts for union variants (never real keys)."""
    return tuple(p for p in loc if not is_union_tag(p))


def _message(error: dict[str, Any], root: Any, data: Any, path: PathKey) -> tuple[str, str | None]:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        key = path[-1] if path else ""
        model = model_at(root, data, path[:-1])
        hints = getattr(model, "key_hints", {}) if model else {}
        if key in hints:
            return f"unknown field '{key}'", hints[key]
        valid = sorted(_fields_of(model)) if model else []
        close = (
            difflib.get_close_matches(str(key), valid, n=1, cutoff=0.6)
            or [v for v in valid if len(str(key)) >= 3 and v.startswith(str(key))][:1]
        )
        if close:
            return f"unknown field '{key}'", close[0]
        tail = f"; allowed: {', '.join(valid)}" if valid and len(valid) <= 12 else ""
        return f"unknown field '{key}'{tail}", None
    if kind == "missing":
        return "required field is missing", None
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", ", ").replace("'", "")
        choices = [c.strip() for c in expected.split(",")]
        got = error.get("input")
        close = difflib.get_close_matches(str(got), choices, n=1, cutoff=0.6) if isinstance(got, str) else []
        return f"expected one of: {expected}; got {_show(got)}", (close[0] if close else None)
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, got {_show(error.get('input'))}", None
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    if message[:1].isupper() and message.startswith("Input should"):
        message = "expected" + message[len("Input should be") :] + f"; got {_show(error.get('input'))}"
    return message, None


def translate(
    exc: ValidationError, root: Any, data: Any, locator: SourceLocator, field_prefix: PathKey = ()
) -> ContractForgeError:
    """One Problem per distinct pydantic error, located through ``locator``."""
    problems: list[Problem] = []
    seen: set[tuple] = set()
    for error in exc.errors(include_url=False):
        path = _data_path(tuple(error["loc"]))
        message, suggestion = _message(error, root, data, path)
        prefer_key = error["type"] in ("extra_forbidden", "missing")
        file, line, column, inner = locator.locate((*field_prefix, *path), prefer_key=prefer_key)
        problem = Problem(
            message=message,
            file=file,
            line=line,
            column=column,
            field=dotted(inner) or None,
            suggestion=suggestion,
            code=_code(error["type"]),
        )
        identity = (problem.file, problem.line, problem.column, problem.field, problem.message)
        if identity not in seen:
            seen.add(identity)
            problems.append(problem)
    problems.sort(key=lambda p: (p.file or "", p.line or 0, p.column or 0))
    return ContractForgeError(problems)


def validate(model: Any, data: Any, locator: SourceLocator, field_prefix: PathKey = ()) -> Any:
    """``model.model_validate(data)`` raising a located ``ContractForgeError`` instead."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise translate(exc, model, data, locator, field_prefix) from None
