"""compact_sorted_json writes exactly what json.dumps(sort_keys, compact separators) writes."""

from __future__ import annotations

import json

from contractforge.json_text import compact_sorted_json
from hypothesis import given, settings
from hypothesis import strategies as st

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.sampled_from(["\x7f", "é", "\u2028", "\x00\x1f", "a:1.5", "null", "NaN", '"\\'])
)
JSON = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4)
)


def _stdlib(value, ensure_ascii: bool) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=ensure_ascii, default=str)


@settings(max_examples=400, deadline=None)
@given(JSON, st.booleans())
def test_same_text_as_the_standard_library(value, ensure_ascii):
    assert compact_sorted_json(value, ensure_ascii=ensure_ascii, default=str) == _stdlib(value, ensure_ascii)


class Name(str):
    pass


def test_types_json_does_not_know_go_through_default():
    value = {"b": Name("x"), "a": [10**20, True], "c": {1, 2}}
    assert compact_sorted_json(value, default=str) == _stdlib(value, True)
