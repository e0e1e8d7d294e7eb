"""Preparation in the contract language's order (docs/contract-language.md#shape-and-transform):
select_columns → column_mapping → shape → cast → standardize → derive → filter_expression →
composite_keys → deduplicate. Absent or empty = step skipped.

The runtime's own columns (environment/hidden_columns.py: the file a row came from) go through
every step, also the ones that select columns; ``cast`` adds the values it could not parse.
"""

from __future__ import annotations

from pyspark.sql import Window
from pyspark.sql import functions as F

from contractforge_runtime.environment.hidden_columns import CAST_FAILED, carried
from contractforge_runtime.environment.sql_text import quoted, string_literal
from contractforge_runtime.plan_view import PreparationView
from contractforge_runtime.prepare.shape import apply_shape


class PreparationError(ValueError):
    """A preparation instruction names something the data does not have."""


def _require(df, columns, step: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise PreparationError(f"{step}: column(s) {missing} not found; available columns are {df.columns}")


def _q(name: str):
    return F.col(f"`{name}`")


def select_columns(df, columns: list[str]):
    _require(df, columns, "select_columns")
    kept = [c for c in carried(df) if c not in columns]
    return df.select(*[_q(c) for c in [*columns, *kept]])


def column_mapping(df, mapping: dict[str, str]):
    _require(df, mapping, "column_mapping")
    return df.select(*[_q(c).alias(mapping.get(c, c)) for c in df.columns])


def cast(df, types: dict[str, str]):
    """Declared casts. A value the cast cannot parse (not NULL, not blank, NULL once cast) is never
    silently NULL: ``CAST_FAILED`` holds ``{column: raw value}`` for the row (else NULL), and the
    runner quarantines the row as ``cast_failed`` (checks/intake.py).

    Built as SQL text, one ``selectExpr`` (a dozen py4j round trips instead of ~75 per column): the
    same expressions ``Column.cast`` / ``F.when`` / ``F.map_filter`` build (``CAST(x AS t)`` is
    ``Column.cast("t")``: both parse the type and tag the cast as the user's)."""
    _require(df, types, "cast")
    # Spark's cast as before (non-ANSI: '10.5' as INT is 10); only its NULL for a value is judged
    casted = {c: f"CAST({quoted(c)} AS {types[c]})" for c in types}
    entries = []
    for column in types:
        raw = quoted(column)
        failed = f"{raw} IS NOT NULL AND {casted[column]} IS NULL AND trim(CAST({raw} AS STRING)) != ''"
        entries += [string_literal(column), f"CASE WHEN {failed} THEN CAST({raw} AS STRING) END"]
    failures = f"map_filter(map({', '.join(entries)}), (k, v) -> v IS NOT NULL)"
    columns = [
        f"{casted[c]} AS {quoted(c)}" if c in types else quoted(c) for c in df.columns if c != CAST_FAILED
    ]
    return df.selectExpr(
        *columns, f"CASE WHEN size({failures}) > 0 THEN {failures} END AS {quoted(CAST_FAILED)}"
    )


def standardize(df, rules: dict[str, dict]):
    """Per column, in this order: whitespace collapse → trim → lower → upper → empty-as-null."""
    _require(df, rules, "standardize")
    for column, rule in rules.items():
        value = _q(column)
        if rule.get("normalize_whitespace"):
            value = F.regexp_replace(value, r"\s+", " ")
        if rule.get("trim"):
            value = F.trim(value)
        if rule.get("lower"):
            value = F.lower(value)
        if rule.get("upper"):
            value = F.upper(value)
        if rule.get("empty_as_null"):
            value = F.when(value == "", F.lit(None)).otherwise(value)
        df = df.withColumn(column, value)
    return df


def derive(df, expressions: dict[str, str]):
    for column, expression in expressions.items():
        df = df.withColumn(column, F.expr(expression))
    return df


def composite_keys(df, keys: dict[str, list[str]]):
    for column, parts in keys.items():
        _require(df, parts, f"composite_keys.{column}")
        df = df.withColumn(
            column, F.concat_ws("|", *[F.coalesce(_q(p).cast("string"), F.lit("")) for p in parts])
        )
    return df


def deduplicate(df, spec: dict):
    keys, order_by = spec.get("keys") or [], spec.get("order_by") or []
    _require(df, keys + [o["column"] for o in order_by], "deduplicate")
    ordering = []
    for item in order_by:
        column, ascending = _q(item["column"]), item.get("direction", "desc") == "asc"
        nulls = item.get("nulls") or ("first" if ascending else "last")  # Spark's defaults
        name = f"{'asc' if ascending else 'desc'}_nulls_{nulls}"
        ordering.append(getattr(column, name)())
    window = Window.partitionBy(*[_q(k) for k in keys]).orderBy(*(ordering or [F.lit(1)]))
    return df.withColumn("__cf_row", F.row_number().over(window)).where("__cf_row = 1").drop("__cf_row")


def prepare(df, p: PreparationView, layer: str | None = None):
    """Apply every configured preparation step in the reference order."""
    if p.select_columns:
        df = select_columns(df, list(p.select_columns))
    if p.column_mapping:
        df = column_mapping(df, p.column_mapping)
    if p.shape:
        df = apply_shape(df, p.shape, layer, keep=carried(df))
    if p.cast:
        df = cast(df, p.cast)
    if p.standardize:
        df = standardize(df, p.standardize)
    if p.derive:
        df = derive(df, p.derive)
    if p.filter_expression:
        df = df.where(F.expr(p.filter_expression))
    if p.composite_keys:
        df = composite_keys(df, p.composite_keys)
    if p.deduplicate:
        df = deduplicate(df, p.deduplicate)
    return df
