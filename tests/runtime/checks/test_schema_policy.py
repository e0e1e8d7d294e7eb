"""schema_policy: pure diff semantics, then enforcement against real Iceberg tables."""

from __future__ import annotations

import uuid

import pytest
from contractforge_runtime.checks import schema_policy as sp

T = pytest.importorskip("pyspark.sql.types")


def _struct(ddl: dict) -> object:
    return T.StructType([T.StructField(name, data_type) for name, data_type in ddl.items()])


TARGET = _struct({"id": T.LongType(), "amount": T.DoubleType(), "row_hash": T.StringType()})


def _changes(source, policy, target=TARGET):
    return {(c.change_type, c.column_name): c for c in sp.diff(source, target, policy).changes}


def test_strict_refuses_a_new_column_and_ignores_control_columns():
    source = _struct({"id": T.LongType(), "amount": T.DoubleType(), "note": T.StringType()})
    result = sp.diff(source, TARGET, "strict")
    assert [(c.change_type, c.column_name, c.allowed) for c in result.changes] == [
        ("ADD_COLUMN", "note", False)
    ]
    assert "strict" in result.error_message()


def test_additive_only_allows_new_columns_and_refuses_removed_ones():
    source = _struct({"id": T.LongType(), "note": T.StringType()})
    changes = _changes(source, "additive_only")
    assert changes[("ADD_COLUMN", "note")].allowed
    assert not changes[("DROP_COLUMN", "amount")].allowed
    assert ("DROP_COLUMN", "row_hash") not in changes
    assert _changes(source, "permissive")[("DROP_COLUMN", "amount")].action == sp.FILL_NULL


def test_widening_rules():
    assert sp.is_widening(T.IntegerType(), T.LongType())
    assert sp.is_widening(T.FloatType(), T.DoubleType())
    assert sp.is_widening(T.LongType(), T.DoubleType())
    assert sp.is_widening(T.DateType(), T.TimestampType())
    assert sp.is_widening(T.DecimalType(10, 2), T.DecimalType(18, 2))
    assert sp.is_widening(T.DecimalType(10, 2), T.DecimalType(12, 4))
    assert not sp.is_widening(T.DecimalType(10, 4), T.DecimalType(18, 2))
    assert not sp.is_widening(T.LongType(), T.IntegerType())
    assert not sp.is_widening(T.StringType(), T.LongType())
    assert sp.iceberg_widens_in_place(T.DecimalType(10, 2), T.DecimalType(18, 2))
    assert not sp.iceberg_widens_in_place(T.DateType(), T.TimestampType())


def test_type_changes_by_policy():
    int_target = _struct({"id": T.IntegerType(), "amount": T.DoubleType()})
    wider = _struct({"id": T.LongType(), "amount": T.DoubleType()})
    change = _changes(wider, "additive_only", int_target)[("TYPE_CHANGE", "id")]
    assert change.allowed and change.action == sp.WIDEN_COLUMN_DDL
    assert not _changes(wider, "strict", int_target)[("TYPE_CHANGE", "id")].allowed
    # a widening Iceberg cannot do in place is refused rather than silently losing data
    doubled = _struct({"id": T.DoubleType(), "amount": T.DoubleType()})
    assert (
        "not supported in place" in _changes(doubled, "permissive", int_target)[("TYPE_CHANGE", "id")].reason
    )
    narrower = _struct({"id": T.IntegerType(), "amount": T.FloatType()})
    narrowing = _changes(narrower, "additive_only")
    assert not narrowing[("TYPE_CHANGE", "id")].allowed
    assert "narrowing" in narrowing[("TYPE_CHANGE", "id")].reason
    assert _changes(narrower, "permissive")[("TYPE_CHANGE", "id")].action == sp.CAST_SOURCE
    stringly = _struct({"id": T.StringType(), "amount": T.DoubleType()})
    assert "incompatible" in _changes(stringly, "permissive")[("TYPE_CHANGE", "id")].reason
    # tinyint/smallint are stored as int by Iceberg: not a change
    assert sp.diff(_struct({"id": T.ShortType()}), _struct({"id": T.IntegerType()}), "strict").changes == []


def test_missing_target_is_not_a_change():
    result = sp.diff(TARGET, None, "strict")
    assert result.changes == [] and not result.target_exists


# ---- against Iceberg ---------------------------------------------------------------------------
def _table(spark, columns_ddl: str) -> str:
    database = f"cf_sp_{uuid.uuid4().hex[:8]}"
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS glue_catalog.{database}")
    identifier = f"glue_catalog.{database}.orders"
    spark.sql(f"CREATE TABLE {identifier} ({columns_ddl}) USING iceberg")
    spark.sql(f"INSERT INTO {identifier} VALUES (1, 10.0)")
    return identifier


@pytest.mark.slow
def test_strict_with_an_extra_source_column_is_refused_and_nothing_changes(spark):
    identifier = _table(spark, "id bigint, amount double")
    df = spark.createDataFrame([(2, 5.0, "x")], "id bigint, amount double, note string")
    with pytest.raises(sp.SchemaPolicyError) as refused:
        sp.enforce(spark, df, identifier, "strict")
    rows = sp.evidence_rows(refused.value.diff)
    assert rows == [
        {
            "change_type": "ADD_COLUMN",
            "column_name": "note",
            "source_type": "string",
            "target_type": None,
            "applied": False,
            "details_json": {
                "action": "refuse",
                "allowed": False,
                "reason": "strict policy: new source column",
                "schema_policy": "strict",
            },
        }
    ]
    assert spark.table(identifier).columns == ["id", "amount"]


@pytest.mark.slow
def test_additive_only_adds_the_column_and_widens_int_to_bigint(spark):
    identifier = _table(spark, "id int, amount double")
    df = spark.createDataFrame([(2, 5.0, "x")], "id bigint, amount double, note string")
    ready, result = sp.enforce(spark, df, identifier, "additive_only")
    applied = {(c.change_type, c.column_name): c.applied for c in result.changes}
    assert applied == {("ADD_COLUMN", "note"): True, ("TYPE_CHANGE", "id"): True}
    assert [r["applied"] for r in sp.evidence_rows(result)] == [True, True]
    ready.writeTo(identifier).append()
    table = spark.table(identifier)
    assert dict(table.dtypes) == {"id": "bigint", "amount": "double", "note": "string"}
    assert sorted((r.id, r.note) for r in table.collect()) == [(1, None), (2, "x")]


@pytest.mark.slow
def test_narrowing_type_change_is_refused_with_applied_false(spark):
    identifier = _table(spark, "id bigint, amount double")
    df = spark.createDataFrame([(2, 5.0)], "id int, amount double")
    with pytest.raises(sp.SchemaPolicyError, match="narrowing"):
        sp.enforce(spark, df, identifier, "additive_only")
    diff = sp.diff(df.schema, spark.table(identifier).schema, "additive_only")
    assert [(r["change_type"], r["applied"]) for r in sp.evidence_rows(diff)] == [("TYPE_CHANGE", False)]
    assert dict(spark.table(identifier).dtypes)["id"] == "bigint"


@pytest.mark.slow
def test_permissive_fills_missing_columns_and_casts_narrower_sources(spark):
    identifier = _table(spark, "id bigint, amount double")
    df = spark.createDataFrame([(2,)], "id int")
    ready, result = sp.enforce(spark, df, identifier, "permissive")
    assert {c.action for c in result.changes} == {sp.FILL_NULL, sp.CAST_SOURCE}
    ready.writeTo(identifier).append()
    assert sorted(tuple(r) for r in spark.table(identifier).collect()) == [(1, 10.0), (2, None)]


@pytest.mark.slow
def test_enforce_on_a_missing_table_changes_nothing(spark):
    df = spark.createDataFrame([(1,)], "id bigint")
    ready, result = sp.enforce(spark, df, f"glue_catalog.cf_sp_{uuid.uuid4().hex[:8]}.nope", "strict")
    assert ready is df and result.changes == [] and not result.target_exists
