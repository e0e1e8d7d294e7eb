"""pydantic errors → located problems with expectations and suggestions."""

from __future__ import annotations

import pytest
from contractforge.errors import ContractForgeError
from contractforge.loader.errors import SourceLocator, validate
from contractforge.loader.yaml_source import parse_yaml_text
from contractforge.models import IngestionContract


def problems_for(text: str):
    document = parse_yaml_text(text, "c.ingestion.yaml")
    with pytest.raises(ContractForgeError) as info:
        validate(IngestionContract, document.data, SourceLocator.single(document.source_map))
    return info.value.problems


BASE = "source: {type: csv, path: s3://b/x}\ntarget: {table: t}\n"


def test_unknown_key_suggests_nearest_valid_key():
    [problem] = problems_for(BASE + "merge_key: [id]\n")
    assert (problem.line, problem.column, problem.field) == (3, 1, "merge_key")
    assert problem.suggestion == "merge_keys"
    assert (
        "error: c.ingestion.yaml:3:1: merge_key: unknown field 'merge_key' (did you mean 'merge_keys'?)"
        in (ContractForgeError([problem]).render())
    )


def test_legacy_key_gets_a_targeted_hint():
    [problem] = problems_for(BASE + "target_table: t\n")
    assert "target.table" in problem.suggestion


def test_bad_mode_lists_expected_values():
    [problem] = problems_for(BASE + "mode: merge\n")
    assert problem.field == "mode" and problem.line == 3
    assert "expected one of: append, overwrite, upsert" in problem.message


def test_literal_error_names_choices_and_suggests():
    [problem] = problems_for(BASE + "schema_policy: additive\n")
    assert "expected one of: permissive, additive_only, strict" in problem.message
    assert problem.suggestion == "additive_only"


def test_connector_source_errors_talk_about_the_connector_model_only():
    problems = problems_for("source: {type: connector, connector: postgres, tabel: x}\ntarget: {table: t}\n")
    assert [p.field for p in problems] == ["source.tabel"]
    assert problems[0].suggestion == "table"


def test_generic_source_unknown_key_is_located_in_the_source():
    [problem] = problems_for("source:\n  type: csv\n  pth: s3://x\ntarget: {table: t}\n")
    assert (problem.line, problem.field, problem.suggestion) == (3, "source.pth", "path")


def test_missing_required_field_points_at_parent():
    [problem] = problems_for("source: {type: csv, path: x}\ntarget:\n  schema: s\n")
    assert problem.field == "target.table" and problem.line == 2
    assert problem.message == "required field is missing"


def test_scalar_or_mapping_union_reports_one_variant():
    problems = problems_for(BASE + "shape:\n  flatten: {enabled: true, sep: x}\n")
    assert [(p.field, p.suggestion) for p in problems] == [("shape.flatten.sep", "separator")]


def test_type_errors_say_what_was_expected():
    [problem] = problems_for(BASE + "quality_rules:\n  min_rows: many\n")
    assert problem.field == "quality_rules.min_rows" and "expected an integer" in problem.message


def test_every_problem_is_reported_once_and_sorted_by_line():
    problems = problems_for(BASE + "mode: nope\nlayer: 1bad\nfoo: 1\n")
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert len({(p.line, p.field) for p in problems}) == len(problems) == 3
