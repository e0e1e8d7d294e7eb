"""Spark SQL text pieces: a quoted identifier, a string literal.

Expressions built as one SQL text cost one py4j round trip to parse; the same expression built from
``pyspark.sql.functions`` costs about three per function and one per operator (prepare/pipeline.py
``cast``: ~150 round trips for two columns, a dozen as text).
"""

from __future__ import annotations


def quoted(name: str) -> str:
    """A column (or table) name as a back-quoted identifier: any name, dots and back quotes included."""
    return "`" + name.replace("`", "``") + "`"


def string_literal(value: str) -> str:
    """A Spark SQL string literal (backslash escapes, Spark's default parser mode)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
