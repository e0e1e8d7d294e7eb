"""``contractforge schema``: JSON Schemas per file kind, deterministic, accepted by jsonschema."""

from __future__ import annotations

import json

import pytest
import yaml
from contractforge.cli.main import main
from contractforge.loader.schemas import SCHEMA_KINDS, json_schema

jsonschema = pytest.importorskip("jsonschema")


def test_every_kind_has_a_valid_schema():
    assert SCHEMA_KINDS == (
        "ingestion",
        "annotations",
        "operations",
        "access",
        "environment",
        "project",
        "connection",
    )
    for kind in SCHEMA_KINDS:
        jsonschema.Draft202012Validator.check_schema(json_schema(kind))


def test_output_is_deterministic_and_written_per_kind(tmp_path, capsys):
    assert main(["schema", "ingestion"]) == 0
    first = capsys.readouterr().out
    assert main(["schema", "ingestion"]) == 0
    assert capsys.readouterr().out == first and json.loads(first)["$id"].endswith("ingestion.schema.json")
    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{k}.schema.json" for k in SCHEMA_KINDS)


def test_reference_files_satisfy_the_schemas(reference_projects):
    kinds = {
        ".ingestion.": "ingestion",
        ".annotations.": "annotations",
        ".operations.": "operations",
        ".environment.": "environment",
    }
    checked = 0
    for path in sorted(reference_projects.rglob("*.yaml")):
        kind = (
            "project"
            if path.name == "project.yaml"
            else next((k for m, k in kinds.items() if m in path.name), None)
        )
        validator = jsonschema.Draft202012Validator(json_schema(kind))
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text())))
        assert not errors, (path, errors[0].message)
        checked += 1
    assert checked >= 20


def test_schema_rejects_an_unknown_key():
    validator = jsonschema.Draft202012Validator(json_schema("ingestion"))
    assert list(validator.iter_errors({"source": "t", "target": {"table": "x"}, "merge_key": ["a"]}))
