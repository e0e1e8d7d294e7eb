"""``shape``: parse_json → arrays → zip_arrays → columns → flatten
(docs/contract-language.md#shape-and-transform).

Guards kept from the reference: exploding arrays in the bronze layer needs
``allow_cardinality_change_on_bronze: true``; two cardinality-changing arrays under the same parent
need ``allow_cartesian: true`` on each (otherwise a silent cartesian product multiplies rows).
"""

from __future__ import annotations

from pyspark.sql import functions as F
from pyspark.sql import types as T

CARDINALITY_MODES = ("explode", "explode_outer")
ARRAY_MODES = ("keep", "to_json", "size", "first") + CARDINALITY_MODES


class ShapeError(ValueError):
    """A shape instruction cannot be applied to this data (missing column, guard violated)."""


def apply_shape(df, shape: dict, layer: str | None = None, keep: list[str] | tuple[str, ...] = ()):
    """``keep``: top-level columns that survive ``columns`` (the runtime's own, e.g. the source file)."""
    if not shape:
        return df
    df = _parse_json(df, shape.get("parse_json") or [])
    df = _arrays(df, shape.get("arrays") or [], layer, bool(shape.get("allow_cardinality_change_on_bronze")))
    df = _zip_arrays(df, shape.get("zip_arrays") or [])
    df = _columns(df, shape.get("columns") or {}, keep)
    return flatten(df, shape.get("flatten"))


def _col(path: str):
    """A column from a dotted path, each segment quoted so odd names survive."""
    return F.col(".".join(f"`{part}`" for part in path.split(".")))


def _default_alias(path: str) -> str:
    return path.replace(".", "_")


def _schema(spec):
    """parse_json schema: a DDL string, a Spark JSON schema dict, or {field: type}."""
    if isinstance(spec, str):
        return spec
    if isinstance(spec, dict) and spec.get("type") == "struct":
        return T.StructType.fromJson(spec)
    if isinstance(spec, dict):
        return ", ".join(f"`{name}` {type_}" for name, type_ in spec.items())
    raise ShapeError(f"unsupported parse_json schema {spec!r}: give a DDL string or a struct schema")


def _parse_json(df, items: list[dict]):
    for item in items:
        column = item["column"]
        if "." not in column and column not in df.columns:
            raise ShapeError(f"shape.parse_json: column {column!r} not found; columns are {df.columns}")
        alias = item.get("alias") or column
        source = _col(column).cast("string") if item.get("cast_input") else _col(column)
        df = df.withColumn(alias, F.from_json(source, _schema(item.get("schema"))))
        if item.get("drop_source") and alias != column:
            df = df.drop(column)
    return df


def _arrays(df, items: list[dict], layer: str | None, allow_bronze: bool):
    changing = [i for i in items if i.get("mode", "keep") in CARDINALITY_MODES]
    if changing and (layer or "").lower() == "bronze" and not allow_bronze:
        paths = [i["path"] for i in changing]
        raise ShapeError(
            f"shape.arrays {paths} explode rows in the bronze layer; set "
            "shape.allow_cardinality_change_on_bronze: true to allow it"
        )
    parents: dict[str, list[dict]] = {}
    for item in changing:
        parents.setdefault(item["path"].rpartition(".")[0], []).append(item)
    for parent, group in parents.items():
        if len(group) > 1 and not all(i.get("allow_cartesian") for i in group):
            raise ShapeError(
                f"shape.arrays {[i['path'] for i in group]} explode several arrays under {parent or '<root>'!r}: "
                "set allow_cartesian: true on each to accept the cartesian product"
            )
    for item in items:
        mode = item.get("mode", "keep")
        if mode not in ARRAY_MODES:
            raise ShapeError(f"shape.arrays mode {mode!r} unknown; expected one of {ARRAY_MODES}")
        path, alias = item["path"], item.get("alias") or _default_alias(item["path"])
        value = _col(path)
        if mode == "keep":
            df = df.withColumn(alias, value)
        elif mode == "to_json":
            df = df.withColumn(alias, F.to_json(value))
        elif mode == "size":
            df = df.withColumn(alias, F.size(value))
        elif mode == "first":
            df = df.withColumn(alias, F.element_at(value, 1))
        elif mode == "explode":
            df = df.withColumn(alias, F.explode(value))
        else:
            df = df.withColumn(alias, F.explode_outer(value))
    return df


def _zip_arrays(df, items: list[dict]):
    for item in items:
        columns = item["columns"]  # {path: field_alias}
        temps = []
        for index, path in enumerate(columns):
            temp = f"__cf_zip_{index}"
            df = df.withColumn(temp, _col(path))
            temps.append(temp)
        zipped = F.arrays_zip(*[F.col(t) for t in temps])
        pairs = list(zip(temps, columns.values(), strict=True))
        renamed = F.transform(zipped, _renamer(pairs))
        df = df.withColumn(item["alias"], renamed).drop(*temps)
    return df


def _renamer(pairs: list[tuple[str, str]]):
    # F.transform inspects the lambda's arity, so bind the pairs in a closure, not a default argument.
    def rename(element):
        return F.struct(*[element[temp].alias(alias) for temp, alias in pairs])

    return rename


def _columns(df, spec: dict, keep=()):
    """Replaces the column list: only declared columns (and ``keep``) survive."""
    if not spec:
        return df
    selected, aliases = [], set()
    for path, options in spec.items():
        options = {"alias": options} if isinstance(options, str) else dict(options or {})
        alias = options.get("alias") or _default_alias(path)
        if alias in aliases:
            raise ShapeError(f"shape.columns: alias {alias!r} used twice")
        aliases.add(alias)
        value = F.expr(options["expression"]) if options.get("expression") else _col(path)
        if options.get("cast"):
            value = value.cast(options["cast"])
        selected.append(value.alias(alias))
    return df.select(*selected, *[F.col(f"`{c}`") for c in keep if c not in aliases])


def flatten(df, spec):
    """Expand struct leaves into top-level columns named by path (arrays are kept as they are)."""
    if spec is True:
        spec = {"enabled": True}
    if not isinstance(spec, dict) or not spec.get("enabled"):
        return df
    separator = spec.get("separator") or "_"
    include, exclude = spec.get("include") or [], spec.get("exclude") or []
    max_depth = int(spec.get("max_depth", 10))

    def selected(path: str) -> bool:
        def matches(rule: str) -> bool:
            return path == rule or path.startswith(rule + ".") or path.split(".")[0] == rule

        return (not include or any(matches(r) for r in include)) and not any(matches(r) for r in exclude)

    top_level = {f.name for f in df.schema.fields}
    output, seen = [], set()

    def visit(field: T.StructField, path: list[str], depth: int):
        dotted = ".".join(path)
        if isinstance(field.dataType, T.StructType) and depth < max_depth and selected(dotted):
            for child in field.dataType.fields:
                visit(child, path + [child.name], depth + 1)
            return
        alias = separator.join(path)
        if len(path) > 1 and alias in top_level:
            return  # never shadow an existing top-level column
        if alias in seen:
            raise ShapeError(f"shape.flatten: two fields flatten to the same column {alias!r}")
        seen.add(alias)
        output.append(_col(dotted).alias(alias))

    for field in df.schema.fields:
        visit(field, [field.name], 0)
    return df.select(*output)
