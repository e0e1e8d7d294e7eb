"""Located YAML loading: positions, duplicate keys, syntax errors, empty files."""

from __future__ import annotations

import pytest
from contractforge.errors import ContractForgeError
from contractforge.loader.yaml_source import load_mapping, load_yaml, parse_yaml_text

TEXT = """\
source:
  type: csv
  path: s3://bucket/x/
merge_keys: [a, b]
quality_rules:
  expressions:
    - name: positive
      expression: amount > 0
"""


def test_positions_of_keys_and_values_are_one_based():
    document = parse_yaml_text(TEXT, "c.yaml")
    smap = document.source_map
    assert smap.keys[("source", "path")] == (3, 3)
    assert smap.values[("source", "path")] == (3, 9)
    assert smap.values[("merge_keys", 1)] == (4, 17)
    assert smap.keys[("quality_rules", "expressions", 0, "expression")] == (8, 7)
    assert document.data["merge_keys"] == ["a", "b"]


def test_locate_falls_back_to_nearest_parent():
    smap = parse_yaml_text(TEXT, "c.yaml").source_map
    assert smap.locate(("source", "read", "schema")) == (2, 3)
    assert smap.locate(("nothing",)) == (1, 1)


def test_duplicate_keys_report_both_lines():
    with pytest.raises(ContractForgeError) as info:
        parse_yaml_text("target:\n  table: a\n  table: b\n", "d.yaml")
    problem = info.value.problems[0]
    assert (problem.file, problem.line, problem.column) == ("d.yaml", 3, 3)
    assert "duplicate key 'table'" in problem.message and "line 2" in problem.message
    assert problem.field == "target.table"


def test_syntax_error_has_file_line_column():
    with pytest.raises(ContractForgeError) as info:
        parse_yaml_text("source:\n  type: csv\n   path: [unclosed\n", "bad.yaml")
    problem = info.value.problems[0]
    assert problem.file == "bad.yaml" and problem.line == 3 and problem.column is not None
    assert problem.message.startswith("invalid YAML")
    assert "bad.yaml:3:" in info.value.render()


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_file_is_a_clear_error(text):
    with pytest.raises(ContractForgeError) as info:
        parse_yaml_text(text, "empty.yaml")
    assert "empty" in info.value.problems[0].message


def test_several_documents_are_refused():
    with pytest.raises(ContractForgeError) as info:
        parse_yaml_text("a: 1\n---\nb: 2\n", "multi.yaml")
    assert "exactly one YAML document" in info.value.problems[0].message


def test_root_must_be_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    with pytest.raises(ContractForgeError) as info:
        load_mapping(path, "list.yaml")
    assert "expected a mapping" in info.value.problems[0].message


def test_missing_file(tmp_path):
    with pytest.raises(ContractForgeError) as info:
        load_yaml(tmp_path / "nope.yaml", "nope.yaml")
    assert info.value.problems[0].message == "file not found"


@pytest.mark.parametrize(
    ("raw", "where"),
    [(b"\xffname: x\n", ":1:1:"), (b"name: x\ndescription: caf\xc3\xa9 \xe9\n", ":2:19:"),
     (b"a: 1\n" * 3000 + b"b: \xfe\n", ":3001:4:")],  # past the first chunk a text read decodes
)  # fmt: skip
def test_bytes_that_are_not_utf8_are_located(tmp_path, raw, where):
    path = tmp_path / "c.ingestion.yaml"
    path.write_bytes(raw)
    with pytest.raises(ContractForgeError) as info:
        load_yaml(path)
    assert where in info.value.render() and "is not UTF-8 text" in info.value.render()
    assert "position" not in info.value.render()


def test_scalars_keep_yaml_types_and_odd_keys_stay_text():
    data = parse_yaml_text("a: 1\nb: true\nc: 2.5\nd: null\non: x\n'1': y\n", "t.yaml").data
    assert data == {"a": 1, "b": True, "c": 2.5, "d": None, "on": "x", "1": "y"}


def test_merge_keys_and_anchors_are_resolved():
    data = parse_yaml_text("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n", "m.yaml").data
    assert data["other"] == {"x": 1, "y": 3}


@pytest.mark.parametrize(
    "text, message",
    [
        ("a: &x [*x]\n", "recursive YAML alias"),
        ("a: *nope\n", "invalid YAML: found undefined alias"),
    ],
)
def test_alias_problems_are_located_errors(text, message):
    with pytest.raises(ContractForgeError) as info:
        parse_yaml_text(text, "a.yaml")
    problem = info.value.problems[0]
    assert message in problem.message and (problem.line, problem.column) == (1, 4)


def _refusal(text: str) -> tuple[str, int | None]:
    with pytest.raises(ContractForgeError) as caught:
        parse_yaml_text(text, "c.yaml")
    problem = caught.value.problems[0]
    return problem.code, problem.line


def _block_nesting(levels: int, anchor: bool) -> str:
    lines = ["root: &top x" if anchor else "root: x"]
    lines += [f"{'  ' * i}k{i}:" for i in range(levels)]
    return "\n".join(lines) + f"\n{'  ' * levels}leaf\n"


@pytest.mark.parametrize("anchor", [False, True])
def test_deep_block_nesting_is_refused_with_or_without_anchors(anchor):
    # without an anchor the walk counts depth itself; with one the graph is checked first: same answer
    assert _refusal(_block_nesting(150, anchor)) == _refusal(_block_nesting(150, not anchor))
    assert _refusal(_block_nesting(150, anchor))[0] == "YAML_TOO_DEEP"
    assert parse_yaml_text(_block_nesting(60, anchor), "c.yaml").data["k0"]["k1"]["k2"]


@pytest.mark.parametrize("anchor", [False, True])
def test_too_many_nodes_are_refused_with_or_without_anchors(anchor):
    text = ("a: &big x\n" if anchor else "a: x\n") + "b: [" + "1," * 210_000 + "1]\n"
    assert _refusal(text) == ("YAML_ALIAS_EXPANSION", 2)


def test_alias_expansion_is_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 9)
    ]
    assert _refusal("\n".join(lines) + "\n")[0] == "YAML_ALIAS_EXPANSION"


SCALARS = ["yes", "No", "on", "OFF", "~", "null", "Null", "", "0x1F", "0o17", "1_000", "-12", "+3", ".5", "-.inf",
           ".NaN", "1e3", "6.8523015e+5", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "true", "True", "a b",
           "customer_id", "s3://bucket/x/", "'7'", '"yes"', "! 12", "!!str 12", "|\n  12\n", "190:20:30", "0b101"]  # fmt: skip


@pytest.mark.parametrize("scalar", SCALARS)
def test_scalar_types_match_pyyaml_safe_load(scalar):
    import yaml

    text = f"value: {scalar}\nlist: [{scalar if '|' not in scalar else 'x'}]\n"
    data = parse_yaml_text(text, "c.yaml").data
    expected = yaml.safe_load(text)
    assert data == expected and [type(v) for v in data.values()] == [type(v) for v in expected.values()]


def test_files_with_the_same_layout_share_their_positions_and_stay_located():
    first = parse_yaml_text(TEXT, "a.yaml").source_map
    second = parse_yaml_text(TEXT.replace("bucket/x/", "other/y/"), "b.yaml").source_map
    moved = parse_yaml_text("# a comment first\n" + TEXT, "c.yaml").source_map
    assert second.keys is first.keys and second.values is first.values
    assert (first.file, second.file) == ("a.yaml", "b.yaml")
    assert moved.keys is not first.keys
    assert moved.locate(("source", "path")) == (4, 9)
    assert second.locate(("source", "path")) == (3, 9)
