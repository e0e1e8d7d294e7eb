"""Canonical text forms shared by every renderer (deterministic, diff-friendly).

The canonical JSON form is ``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)``
plus a newline. With ``indent`` the standard library falls back to its pure-Python encoder, so
the bytes are produced by orjson (``OPT_INDENT_2 | OPT_SORT_KEYS``), which writes exactly the
same text — same separators, escapes, key order (UTF-8 byte order is code point order) and
integer form — except for floats that Python writes with an exponent (``1e-05``, ``1e+16``):
the output's float tokens are checked and any such document is encoded by the standard library
instead, as is anything orjson refuses (non-string keys, nesting deeper than 255, other types).
NaN and ±Infinity are not JSON: orjson writes ``null`` for them.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator
from typing import Any

import orjson

from contractforge.json_text import compact_sorted_json

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE  # no copy to add it
# quick rejects (possessive, C speed): a float value of a key, a float item of an array
_VALUE_FLOAT = re.compile(rb": -?[0-9]++[.eE]")
_ITEM_FLOAT = re.compile(rb"\n ++-?[0-9]++[.eE]")
# a number value: after '": ' or alone on an (array item) line; strings start with '"'. Two patterns, not
# one alternation: each then has a literal start the regex engine searches for (6x faster on 1 MB)
_NUMBER = rb"(-?[0-9]++(?:\.[0-9]++)?(?:[eE][-+]?[0-9]++)?)(?=,?\n|,?$)"
_NUMBER_TOKENS = (re.compile(rb'": ' + _NUMBER), re.compile(rb"\n ++" + _NUMBER))


def canonical_json_bytes(value: Any) -> bytes:
    """UTF-8 bytes of :func:`canonical_json` (what the build tree stores)."""
    try:
        encoded = orjson.dumps(value, option=_OPTIONS)
    except (TypeError, orjson.JSONEncodeError):
        return _stdlib(value).encode("utf-8")
    if encoded[:1] not in (b"{", b"["):  # a bare scalar document: nothing to gain, no prefix to check
        return _stdlib(value).encode("utf-8")
    has_float = _VALUE_FLOAT.search(encoded) or _ITEM_FLOAT.search(encoded)
    if has_float and not _floats_match(encoded):
        return _stdlib(value).encode("utf-8")
    return encoded


def canonical_json_chunks(value: Any) -> Iterator[bytes]:
    """:func:`canonical_json_bytes` of ``value`` in pieces whose concatenation is exactly those bytes:
    a document of thousands of entries (``main.tf.json``, the manifest) goes to the file a piece at a
    time instead of being held as one text beside the values it was made from. Containers near the
    top or with many entries are written here, entry by entry; the rest is encoded whole."""
    yield from _chunks(value, 0)
    yield b"\n"


_SPLIT_DEPTH = 3  # containers above this depth that hold containers are written entry by entry …
_SPLIT_ENTRIES = 32  # … and those with at least this many entries, in batches of this many
_BATCH = 128


def _chunks(value: Any, level: int) -> Iterator[bytes]:
    kind = type(value)
    if kind in _SCALARS:
        yield _scalar(value)
        return
    splittable = kind is list or (kind is dict and all(type(key) is str for key in value))
    if splittable and len(value) >= _SPLIT_ENTRIES:
        yield from _batches(value, kind, level)
    elif splittable and value and level < _SPLIT_DEPTH and _holds_containers(value, kind):
        yield from _entries(value, kind, level)
    else:
        yield _indented(canonical_json_bytes(value)[:-1], level)  # no trailing newline inside


def _holds_containers(value: Any, kind: type) -> bool:
    return any(
        type(entry) is dict or type(entry) is list for entry in (value.values() if kind is dict else value)
    )


def _entries(value: Any, kind: type, level: int) -> Iterator[bytes]:
    inner = b"\n" + b"  " * (level + 1)
    if kind is dict:
        yield b"{"
        for index, key in enumerate(sorted(value)):
            yield (b"," if index else b"") + inner + orjson.dumps(key) + b": "
            yield from _chunks(value[key], level + 1)
        yield b"\n" + b"  " * level + b"}"
    else:
        yield b"["
        for index, item in enumerate(value):
            yield (b"," if index else b"") + inner
            yield from _chunks(item, level + 1)
        yield b"\n" + b"  " * level + b"]"


def _batches(value: Any, kind: type, level: int) -> Iterator[bytes]:
    """A big container, ``_BATCH`` entries per encoding: each batch is encoded as a container of its
    own, whose entries (between the opening bracket and the closing newline + bracket) are the
    document's."""
    keys = sorted(value) if kind is dict else None
    for start in range(0, len(value), _BATCH):
        if keys is not None:
            batch: Any = {key: value[key] for key in keys[start : start + _BATCH]}
        else:
            batch = value[start : start + _BATCH]
        body = canonical_json_bytes(batch)[1:-3]  # "\n  entry,\n  entry" of "{…\n}\n" / "[…\n]\n"
        yield (b"," if start else b"{" if keys is not None else b"[") + _indented(body, level)
    yield b"\n" + b"  " * level + (b"}" if keys is not None else b"]")


def _indented(encoded: bytes, level: int) -> bytes:
    return encoded.replace(b"\n", b"\n" + b"  " * level) if level and b"\n" in encoded else encoded


_SCALARS = (str, int, float, bool, type(None))


def _scalar(value: Any) -> bytes:
    """A scalar as it reads inside a canonical document. A finite float is Python's ``repr`` (what
    either encoder writes there); NaN and ±Infinity are ``null``, as orjson writes them (such a value
    beside a float with an exponent is the one case where this differs from the whole document)."""
    if type(value) is float:
        return repr(value).encode() if math.isfinite(value) else b"null"
    try:
        return orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):  # an integer beyond 64 bits
        return json.dumps(value).encode("utf-8")


def canonical_json(value: Any) -> str:
    """``json.dumps(indent=2, sort_keys=True)`` plus a trailing newline: the only JSON form we write."""
    return canonical_json_bytes(value).decode("utf-8")


def _stdlib(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _floats_match(encoded: bytes) -> bool:
    for pattern in _NUMBER_TOKENS:
        for token in pattern.findall(encoded):
            if b"." in token or b"e" in token or b"E" in token:
                if repr(float(token)).encode() != token:
                    return False
    return True


def compact_json(value: Any) -> str:
    """Sorted, whitespace-free JSON (for values embedded in other documents, e.g. an ASL string)."""
    return compact_sorted_json(value, ensure_ascii=False)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_bytes(text: str) -> bytes:
    return text.encode("utf-8")
