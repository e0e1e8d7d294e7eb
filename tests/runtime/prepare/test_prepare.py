"""Preparation and shape on real DataFrames (docs/contract-language.md#shape-and-transform: order and
guards)."""

from __future__ import annotations

import pytest
from contractforge_runtime.environment.hidden_columns import CAST_FAILED
from contractforge_runtime.plan_view import PreparationView
from contractforge_runtime.prepare.pipeline import PreparationError, prepare
from contractforge_runtime.prepare.shape import ShapeError, apply_shape
from contractforge_runtime.write.hashing import HashInputError, hash_input_columns

pytestmark = pytest.mark.slow


def test_preparation_order_and_steps(spark):
    df = spark.createDataFrame(
        [
            ("1", "  Ann   Lee ", "10.5", "x"),
            ("1", "bob", "20", "x"),
            ("2", "", "3", "y"),
            ("3", "cy", "-1", "z"),
        ],
        "id STRING, name STRING, amount STRING, junk STRING",
    )
    prepared = prepare(
        df,
        PreparationView.of(
            {
                "select_columns": ["id", "name", "amount"],
                "column_mapping": {"amount": "value"},
                "cast": {"id": "INT", "value": "DOUBLE"},
                "standardize": {
                    "name": {"normalize_whitespace": True, "trim": True, "upper": True, "empty_as_null": True}
                },
                "derive": {"double_value": "value * 2"},
                "filter_expression": "value >= 0",
                "composite_keys": {"key": ["id", "name"]},
                "deduplicate": {
                    "keys": ["id"],
                    "order_by": [{"column": "value", "direction": "desc", "nulls": "last"}],
                },
            }
        ),
    )
    # cast keeps the values it could not parse in a column of the runtime's own (none here)
    assert prepared.where(f"{CAST_FAILED} IS NOT NULL").count() == 0
    prepared = prepared.drop(CAST_FAILED)
    rows = {r.id: r.asDict() for r in prepared.collect()}
    assert prepared.columns == ["id", "name", "value", "double_value", "key"]
    assert rows[1] == {"id": 1, "name": "BOB", "value": 20.0, "double_value": 40.0, "key": "1|BOB"}
    assert rows[2]["name"] is None and rows[2]["key"] == "2|"
    assert 3 not in rows


def test_missing_columns_are_named(spark):
    df = spark.createDataFrame([(1,)], "id INT")
    with pytest.raises(PreparationError, match=r"cast: column\(s\) \['nope'\] not found"):
        prepare(df, PreparationView.of({"cast": {"nope": "INT"}}))


def test_shape_parse_json_arrays_columns_flatten(spark):
    df = spark.createDataFrame([('{"a": {"b": 1, "c": [1, 2]}}',)], "raw STRING")
    shaped = apply_shape(
        df,
        {
            "parse_json": [
                {
                    "column": "raw",
                    "schema": "a STRUCT<b: INT, c: ARRAY<INT>>",
                    "alias": "doc",
                    "drop_source": True,
                }
            ],
            "arrays": [{"path": "doc.a.c", "mode": "explode", "alias": "c"}],
            "flatten": {"enabled": True, "separator": "__"},
        },
        layer="silver",
    )
    assert sorted(shaped.columns) == ["c", "doc__a__b", "doc__a__c"]
    assert sorted(r.c for r in shaped.collect()) == [1, 2]
    with pytest.raises(ShapeError, match="allow_cardinality_change_on_bronze"):
        apply_shape(df, {"arrays": [{"path": "raw", "mode": "explode"}]}, layer="bronze")
    zipped = apply_shape(
        spark.createDataFrame([([1, 2], ["x", "y"])], "ids ARRAY<INT>, names ARRAY<STRING>"),
        {
            "zip_arrays": [{"alias": "pairs", "columns": {"ids": "id", "names": "name"}}],
            "columns": {"pairs": "pairs"},
        },
    )
    assert [(p.id, p.name) for p in zipped.first().pairs] == [(1, "x"), (2, "y")]


def test_hash_inputs_follow_reference_exclusions():
    write = {"merge_keys": ["id"], "hash_strategy": "all_columns_except", "hash_exclude_columns": ["noise"]}
    columns = ["id", "a", "noise", "source_loaded_at_utc", "derived", "b"]
    assert hash_input_columns(columns, write, {"derive": {"derived": "1"}}) == ["a", "b"]
    with pytest.raises(HashInputError, match="hash_keys not found"):
        hash_input_columns(columns, {"merge_keys": ["id"], "hash_keys": ["zzz"]})


def test_a_value_the_cast_cannot_parse_is_kept_raw_not_silently_null(spark):
    df = spark.createDataFrame(
        [("1", "2024-01-01 10:00:00"), ("x", "2024-13-45"), (" ", None)], "id STRING, at STRING"
    )
    prepared = prepare(df, PreparationView.of({"cast": {"id": "INT", "at": "TIMESTAMP"}}))
    failures = [r[CAST_FAILED] for r in prepared.orderBy("at").collect()]
    # blank and NULL are missing values, not failures
    assert sorted(failures, key=str) == [None, None, {"id": "x", "at": "2024-13-45"}]
