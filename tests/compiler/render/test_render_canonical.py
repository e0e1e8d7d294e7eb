"""The fast canonical JSON (orjson) writes exactly the bytes of json.dumps(indent=2, sort_keys=True)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from contractforge.render.canonical import canonical_json, canonical_json_bytes, canonical_json_chunks
from hypothesis import given, settings
from hypothesis import strategies as st

GOLDEN = Path(__file__).parent / "golden"


def _stdlib(value) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


@pytest.mark.parametrize("path", sorted(GOLDEN.rglob("*.json")), ids=lambda p: str(p.relative_to(GOLDEN)))
def test_every_golden_json_document_is_reproduced_byte_for_byte(path: Path) -> None:
    value = json.loads(path.read_text(encoding="utf-8"))
    assert canonical_json_bytes(value) == _stdlib(value)


@pytest.mark.parametrize(
    "value",
    [
        {
            "small": 1e-05,
            "tiny": 2.5e-07,
            "big": 1e16,
            "huge": 1.2345678901234568e16,
            "ok": 0.1,
            "int": 10**20,
        },
        [1e-5, 0.0001, 1e15, -0.0, 123456789.123, [1e300]],
        {"é": 'ü\u2028\x7f\x00\x1f\t\n"\\', "日本": ["語"], "": {}, "a": []},
        {"text with ': 1.5e3' inside": "value: 12e4", "list": ["\n  3.0"]},
        {"deep": json.loads("[" * 300 + "]" * 300)},
        1e16,
        -2.5e-07,
        "text",
    ],
)
def test_floats_text_and_nesting_edge_cases(value) -> None:
    assert canonical_json_bytes(value) == _stdlib(value)
    assert canonical_json(value) == _stdlib(value).decode("utf-8")


def _json_values(max_size: int, max_leaves: int):
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    return st.recursive(
        scalars | st.text(),
        lambda children: (
            st.lists(children, max_size=max_size)
            | st.dictionaries(st.text(max_size=8), children, max_size=max_size)
        ),
        max_leaves=max_leaves,
    )


JSON_VALUES = _json_values(max_size=4, max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_any_json_value_is_encoded_like_the_standard_library(value) -> None:
    assert canonical_json_bytes(value) == _stdlib(value)


WIDE_VALUES = _json_values(max_size=40, max_leaves=200)  # documents long enough to be cut in pieces


@settings(max_examples=300, deadline=None)
@given(WIDE_VALUES)
def test_the_pieces_of_a_document_are_exactly_its_bytes(value) -> None:
    assert b"".join(canonical_json_chunks(value)) == canonical_json_bytes(value)


def test_a_big_document_comes_in_pieces_that_join_to_its_bytes() -> None:
    document = {
        "locals": {"jobs": {f"step_{i:04d}": {"n": i, "ratio": i / 7, "tags": ["a", i]} for i in range(500)}},
        "big": 10**30,
        "tuple": (1, (2, {"x": 1e-05})),
        "empty": [{}, []],
    }
    pieces = list(canonical_json_chunks(document))
    whole = _stdlib(document)
    assert len(pieces) > 4 and max(len(p) for p in pieces) < len(whole) / 3  # 128 entries a piece
    assert b"".join(pieces) == whole
