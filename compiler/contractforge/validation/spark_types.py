"""Spark SQL data type names, as ``Column.cast("<type>")`` and ``CAST(x AS <type>)`` accept them.

A small recursive-descent reader of Spark 3.5's type grammar (case-insensitive): primitive
names and their aliases, ``decimal(p[,s])``, ``varchar(n)`` / ``char(n)``, ``array<t>``,
``map<k,v>``, ``struct<name[:] t [NOT NULL] [COMMENT '…'], …>`` and interval types.
``type_problem(text)`` says why a text is not a Spark type, or returns None.
"""

from __future__ import annotations

import re

from contractforge.validation.locate import closest

PRIMITIVES = (
    "bigint", "binary", "boolean", "byte", "date", "double", "float", "int", "integer", "long", "real",
    "short", "smallint", "string", "timestamp", "timestamp_ltz", "timestamp_ntz", "tinyint", "void",
)  # fmt: skip
SIZED = ("char", "character", "varchar")
DECIMALS = ("dec", "decimal", "numeric")
_INTERVAL_UNITS = ("year", "month", "day", "hour", "minute", "second")
MAX_TYPE_TEXT = 4000
_TOKEN = re.compile(r"\s*(`[^`]*`|'(?:[^'\\]|\\.)*'|[A-Za-z_][A-Za-z0-9_]*|\d+|[<>(),:])")
_HINTS = {
    "bool": "boolean", "datetime": "timestamp", "float64": "double", "int32": "int", "int64": "bigint",
    "json": "string", "number": "decimal(38,18)", "text": "string", "timestamptz": "timestamp", "uuid": "string",
}  # fmt: skip
_KNOWN = (*PRIMITIVES, *SIZED, *DECIMALS, "array", "map", "struct", "interval")


class _Bad(Exception):
    pass


class _Reader:
    def __init__(self, text: str) -> None:
        self.tokens: list[str] = []
        position = 0
        stripped = text.rstrip()
        while position < len(stripped):
            match = _TOKEN.match(stripped, position)
            if not match:
                raise _Bad(f"unexpected character '{stripped[position:].strip()[:1]}'")
            self.tokens.append(match.group(1))
            position = match.end()
        self.index = 0

    def peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise _Bad("ends too early")
        self.index += 1
        return token

    def expect(self, wanted: str) -> None:
        token = self.take()
        if token != wanted:
            raise _Bad(f"expected '{wanted}', found '{token}'")

    def number(self) -> int:
        token = self.take()
        if not token.isdigit():
            raise _Bad(f"expected a number, found '{token}'")
        return int(token)

    def data_type(self, depth: int = 0) -> None:
        if depth > 30:
            raise _Bad("nests too deeply")
        name = self.take().lower()
        if name in PRIMITIVES:
            return
        if name in DECIMALS:
            if self.peek() == "(":
                self.take()
                precision = self.number()
                scale = 0
                if self.peek() == ",":
                    self.take()
                    scale = self.number()
                self.expect(")")
                if not 1 <= precision <= 38 or scale > precision:
                    raise _Bad(
                        f"decimal({precision},{scale}) needs 1 <= precision <= 38 and scale <= precision"
                    )
            return
        if name in SIZED:
            self.expect("(")
            self.number()
            self.expect(")")
            return
        if name == "array":
            self.expect("<")
            self.data_type(depth + 1)
            self.expect(">")
            return
        if name == "map":
            self.expect("<")
            self.data_type(depth + 1)
            self.expect(",")
            self.data_type(depth + 1)
            self.expect(">")
            return
        if name == "struct":
            self._struct(depth)
            return
        if name == "interval":
            self._interval()
            return
        hint = _HINTS.get(name) or closest(name, _KNOWN)
        raise _Bad(f"'{name}' is not a Spark type" + (f" (did you mean '{hint}'?)" if hint else ""))

    def _struct(self, depth: int) -> None:
        self.expect("<")
        if self.peek() == ">":
            self.take()
            return
        while True:
            self.take()  # field name (identifier or back-quoted)
            if self.peek() == ":":
                self.take()
            self.data_type(depth + 1)
            if (self.peek() or "").lower() == "not":
                self.take()
                if self.take().lower() != "null":
                    raise _Bad("expected NOT NULL")
            if (self.peek() or "").lower() == "comment":
                self.take()
                if not self.take().startswith("'"):
                    raise _Bad("COMMENT needs a quoted text")
            separator = self.take()
            if separator == ">":
                return
            if separator != ",":
                raise _Bad(f"expected ',' or '>' in struct, found '{separator}'")

    def _interval(self) -> None:
        unit = (self.peek() or "").lower()
        if unit not in _INTERVAL_UNITS:
            return  # bare INTERVAL (calendar interval)
        self.take()
        if (self.peek() or "").lower() == "to":
            self.take()
            end = self.take().lower()
            if end not in _INTERVAL_UNITS:
                raise _Bad(f"'{end}' is not an interval unit")


def type_problem(text: object) -> str | None:
    """Why ``text`` is not a Spark data type (None when it is)."""
    if not isinstance(text, str) or not text.strip():
        return "a cast needs a Spark type name such as STRING, BIGINT or DECIMAL(12,2)"
    if len(text) > MAX_TYPE_TEXT:
        return f"a type longer than {MAX_TYPE_TEXT} characters is not supported"
    try:
        reader = _Reader(text)
        reader.data_type()
        if reader.peek() is not None:
            raise _Bad(f"unexpected '{reader.peek()}' after the type")
    except _Bad as exc:
        reason = str(exc)
        return reason if "is not a Spark type" in reason else f"'{text}' is not a Spark type: {reason}"
    return None
