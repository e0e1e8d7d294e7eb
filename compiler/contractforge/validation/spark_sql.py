"""Contract SQL parsed in the Spark dialect (sqlglot) before anything is deployed.

Expressions (``transform.derive``, ``filter_expression``, quality ``expressions``,
``shape.columns.*.expression``) must parse as exactly one Spark SQL expression; SQL sources
(``source.query`` of ``type: sql``) as exactly one query. ``{{ … }}`` placeholders (table refs)
are replaced by identifiers first. Cast targets (``transform.cast``, ``shape.columns.*.cast``)
must be Spark type names. sqlglot is imported on first use: only validate/plan/compile pay it.
JDBC queries are not checked here: they run in the source database's own dialect.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from contractforge.validation.locate import PathKey, Problems
from contractforge.validation.spark_types import type_problem

_PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_EXPRESSION_PREFIX = "SELECT "
_EXPRESSION_SUFFIX = ""
MAX_SQL_TEXT = 100_000
_CACHED_TEXTS = 4096  # distinct SQL texts whose verdict is remembered (a few MB at most)


def check_contract_sql(problems: Problems, contract: dict[str, Any]) -> None:
    """Every SQL text and cast type of one resolved contract mapping."""
    transform = contract.get("transform") if isinstance(contract.get("transform"), dict) else {}
    for column, expression in _items(transform.get("derive")):
        _expression(problems, ("transform", "derive", column), expression)
    for column, type_name in _items(transform.get("cast")):
        _cast(problems, ("transform", "cast", column), type_name)
    if contract.get("filter_expression") is not None:
        _expression(problems, ("filter_expression",), contract["filter_expression"])
    quality = contract.get("quality_rules") if isinstance(contract.get("quality_rules"), dict) else {}
    for index, rule in enumerate(quality.get("expressions") or ()):
        if isinstance(rule, dict) and rule.get("expression") is not None:
            _expression(problems, ("quality_rules", "expressions", index, "expression"), rule["expression"])
    base = ("shape",) if contract.get("shape") else ("transform", "shape")
    shape = contract.get("shape") or transform.get("shape") or {}
    for path, spec in _items(shape.get("columns") if isinstance(shape, dict) else None):
        if isinstance(spec, dict):
            if spec.get("expression") is not None:
                _expression(problems, (*base, "columns", path, "expression"), spec["expression"])
            if spec.get("cast") is not None:
                _cast(problems, (*base, "columns", path, "cast"), spec["cast"])
    source = contract.get("source") if isinstance(contract.get("source"), dict) else {}
    if str(source.get("type") or "").strip().lower() == "sql":
        options = source.get("options") if isinstance(source.get("options"), dict) else {}
        for path, query in ((("source", "query"), source.get("query")),
                            (("source", "options", "query"), options.get("query"))):  # fmt: skip
            if query is not None:
                _query(problems, path, query)


def _items(mapping: Any) -> list[tuple[str, Any]]:
    return list(mapping.items()) if isinstance(mapping, dict) else []


def _cast(problems: Problems, path: PathKey, type_name: Any) -> None:
    problem = type_problem(type_name)
    if problem:
        problems.add(path, problem, code="SPARK_TYPE_INVALID")


def _parse(sql: str) -> tuple[list, str | None]:
    import sqlglot  # noqa: PLC0415 - imported on first use (validate/plan/compile only)
    from sqlglot.errors import ParseError, TokenError

    try:
        return sqlglot.parse(sql, read="spark"), None
    except ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        return [], _reason(str(first.get("description") or exc), first.get("highlight"))
    except TokenError:
        return [], "a quote or comment is not closed"
    except (RecursionError, ValueError) as exc:
        return [], f"cannot be read ({type(exc).__name__})"


def _reason(description: str, near: Any) -> str:
    if description.startswith("Required keyword"):
        description = "an operand or keyword is missing"
    elif description.startswith("Invalid expression / Unexpected token"):
        description = "unexpected token"
    return description + (f" near '{near}'" if near else "")


def _expression(problems: Problems, path: PathKey, text: Any) -> None:
    if not isinstance(text, str) or not text.strip():
        problems.add(path, "needs a Spark SQL expression", code="SQL_INVALID")
        return
    if len(text) > MAX_SQL_TEXT:
        problems.add(path, f"SQL longer than {MAX_SQL_TEXT} characters", code="SQL_INVALID")
        return
    reason = _expression_reason(_PLACEHOLDER.sub("__contract_ref", text))
    if reason:
        problems.add(path, f"'{_short(text)}' does not parse as a Spark SQL expression: {reason}",
                     code="SQL_INVALID")  # fmt: skip


@lru_cache(maxsize=_CACHED_TEXTS)
def _expression_reason(body: str) -> str | None:
    """Why ``body`` (placeholders replaced) is not one Spark SQL expression, or None. Cached: the same
    expression (``amount >= 0``, a derive copied across contracts) is parsed once per process."""
    statements, reason = _parse(f"{_EXPRESSION_PREFIX}{body}{_EXPRESSION_SUFFIX}")
    if reason is None:
        select = statements[0] if len(statements) == 1 else None
        projections = getattr(select, "expressions", None) if select is not None else None
        if select is None or type(select).__name__ != "Select" or len(projections or ()) != 1:
            reason = "must be exactly one expression (no ';', no top-level ',', no SELECT)"
        elif type(projections[0]).__name__ == "Alias":
            reason = f"reads as '{projections[0].this.sql(dialect='spark')}' named '{projections[0].alias}'; an operator is missing"
    return reason


def _query(problems: Problems, path: PathKey, text: Any) -> None:
    if not isinstance(text, str) or not text.strip():
        problems.add(path, "needs a Spark SQL query", code="SQL_INVALID")
        return
    if len(text) > MAX_SQL_TEXT:
        problems.add(path, f"SQL longer than {MAX_SQL_TEXT} characters", code="SQL_INVALID")
        return
    reason = _query_reason(_PLACEHOLDER.sub("__contract_ref", text).strip().rstrip(";"))
    if reason:
        problems.add(
            path, f"'{_short(text)}' does not parse as a Spark SQL query: {reason}", code="SQL_INVALID"
        )


@lru_cache(maxsize=_CACHED_TEXTS)
def _query_reason(body: str) -> str | None:
    """Why ``body`` (placeholders replaced: queries cloned across contracts differ only in their table
    refs and are parsed once) is not exactly one Spark SQL query, or None."""
    statements, reason = _parse(body)
    if reason is None:
        statements = [s for s in statements if s is not None]
        kinds = {type(s).__name__ for s in statements}
        if len(statements) != 1:
            reason = f"must be exactly one query, found {len(statements)} statements"
        elif not kinds <= {"Select", "Union", "Intersect", "Except", "Subquery", "With"}:
            reason = f"must be a query (SELECT …), found a {next(iter(kinds)).upper()} statement"
    return reason


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
