"""The ingestion contract model: list-or-string normalisation, sources, shape, quality, extensions."""

from __future__ import annotations

import pytest
from contractforge.models import ConnectorSource, GenericSource, IngestionContract, split_list
from pydantic import ValidationError


def load(**fields):
    return IngestionContract.model_validate(
        {"source": {"type": "csv", "path": "s3://b/x"}, "target": {"table": "t"}, **fields}
    )


@pytest.mark.parametrize(
    "given, expected",
    [
        ("id", ("id",)),
        ("a,b", ("a", "b")),
        (" a , b ,", ("a", "b")),
        (["a", " b "], ("a", "b")),
        ("", ()),
        ([], ()),
    ],
)
def test_list_or_string_fields_are_split_on_commas_into_tuples(given, expected):
    assert split_list(given) == expected
    contract = load(merge_keys=given, quality_rules={"not_null": given}, select_columns=given)
    assert contract.merge_keys == contract.quality_rules.not_null == contract.select_columns == expected


def test_list_items_must_be_strings():
    with pytest.raises(ValidationError):
        load(hash_keys=[1, 2])


def test_defaults_of_an_empty_contract():
    contract = load()
    assert (contract.layer, contract.mode, contract.schema_policy, contract.on_quality_fail) == (
        "bronze",
        "scd0_append",
        "permissive",
        "fail",
    )
    assert contract.hash_strategy == "explicit" and contract.idempotency_policy == "always_run"
    assert contract.extensions.aws is None and contract.dry_run is False


def test_source_variants_are_chosen_by_type():
    assert load(source="glue_catalog.db.t").source == "glue_catalog.db.t"
    connector = load(
        source={"type": "Connector", "connector": "object_storage", "provider": "s3", "path": "x"}
    )
    assert isinstance(connector.source, ConnectorSource) and connector.source.type == "connector"
    generic = load(source={"type": "INCREMENTAL_FILES", "path": "s3://x", "format": "csv"})
    assert isinstance(generic.source, GenericSource) and generic.source.type == "incremental_files"


def test_provider_only_exists_on_the_connector_model():
    with pytest.raises(ValidationError, match="provider"):
        load(source={"type": "s3", "provider": "s3", "path": "x"})


def test_connector_empty_strings_become_null_and_port_is_checked():
    assert load(source={"type": "connector", "connector": "x", "host": ""}).source.host is None
    with pytest.raises(ValidationError):
        load(source={"type": "connector", "connector": "postgres", "port": 70000})


def test_jdbc_connector_table_and_query_are_exclusive():
    with pytest.raises(ValidationError, match="either `table` or `query`"):
        load(source={"type": "connector", "connector": "postgres", "table": "a", "query": "select 1"})


def test_options_schema_is_refused():
    with pytest.raises(ValidationError, match="source.read.schema"):
        load(source={"type": "csv", "path": "x", "options": {"schema": "a INT"}})


def test_table_ref_string_or_mapping_and_custom_transform_inputs():
    assert load(source={"type": "table", "table_ref": "bronze.b"}).source.table_ref == "bronze.b"
    ref = load(
        source={"type": "table", "table_ref": {"layer": "bronze", "table": "b", "schema": "s"}}
    ).source.table_ref
    assert ref.schema_name == "s"
    with pytest.raises(ValidationError, match="unique"):
        load(
            source={
                "type": "custom_transform",
                "inputs": [{"alias": "a", "ref": "x.y"}, {"alias": "a", "path": "p"}],
            }
        )
    with pytest.raises(ValidationError, match="at least one of"):
        load(source={"type": "custom_transform", "inputs": [{"alias": "a"}]})


def test_stream_and_state_fields():
    source = load(
        source={
            "type": "kafka_available_now",
            "bootstrap_servers": "b:9092",
            "topics": "a, b",
            "checkpoint_location": "s3://c/",
            "max_offsets_per_trigger": 10,
            "state": {"storage": "external", "location": {"type": "object_storage", "path": "s3://s"}},
            "discovery": {"strategy": "file_listing", "tracking": "modification_time"},
        }
    ).source
    assert source.topics == ("a", "b") and source.state.location.path == "s3://s"
    with pytest.raises(ValidationError, match="requires state.location"):
        load(source={"type": "x", "state": {"storage": "external"}})
    with pytest.raises(ValidationError):
        load(source={"type": "kafka_bounded", "max_offsets_per_trigger": 0})


def test_shape_and_transform():
    contract = load(
        shape={
            "flatten": True,
            "parse_json": [{"column": "p.raw", "schema": "a INT", "alias": "parsed"}],
            "arrays": [{"path": "items", "mode": "explode"}],
            "columns": {"a.b": "ab", "c": {"cast": "INT"}},
            "zip_arrays": [{"alias": "z", "columns": {"x": "x1", "y": "y1"}}],
        },
        transform={
            "cast": {"id": "BIGINT"},
            "standardize": {"s": {"trim": True, "lower": True}},
            "derive": {"d": "1"},
            "composite_keys": {"k": "a, b"},
            "deduplicate": {"keys": "id", "order_by": [{"column": "ts"}]},
        },
    )
    assert contract.shape.flatten is True and contract.effective_shape is contract.shape
    assert contract.transform.composite_keys == {"k": ("a", "b")}
    assert contract.transform.deduplicate.order_by[0].direction == "desc"
    assert (
        load(transform={"deduplicate": {"keys": "id", "order_by": "ts DESC"}}).transform.deduplicate.order_by
        == "ts DESC"
    )
    assert load(transform={"shape": {"flatten": {"enabled": True}}}).effective_shape.flatten.enabled is True


@pytest.mark.parametrize(
    "bad, match",
    [
        ({"shape": {"parse_json": [{"column": "a", "schema": "x", "schema_ref": "y"}]}}, "exactly one"),
        ({"shape": {"parse_json": [{"column": "a.b", "schema": "x"}]}}, "alias"),
        ({"shape": {"zip_arrays": [{"alias": "z", "columns": {"x": "a"}}]}}, "at least two"),
        ({"transform": {"standardize": {"c": {"lower": True, "upper": True}}}}, "mutually exclusive"),
        ({"transform": {"rename": {"a": "b"}}}, "rename"),
        ({"column_mapping": {"a": "row_hash"}}, "reserved control columns"),
        ({"layer": "1bronze"}, "pattern"),
        ({"retry_attempts": 0}, "greater than or equal"),
    ],
)
def test_model_rules(bad, match):
    with pytest.raises(ValidationError, match=match):
        load(**bad)


def test_quality_rules():
    rules = load(
        quality_rules={
            "required_columns": "a",
            "not_null": ["a"],
            "unique_key": "a, b",
            "accepted_values": {"s": "open", "n": [1, 2]},
            "min_rows": 1,
            "max_null_ratio": {"a": 0.5},
            "expressions": [{"name": "pos", "expression": "a > 0"}],
            "custom": {"fresh": {"type": "freshness", "max_age": "1h"}},
        }
    ).quality_rules
    assert rules.accepted_values == {"s": ("open",), "n": (1, 2)}
    assert rules.expressions[0].severity == "quarantine" and rules.custom["fresh"].severity == "abort"
    assert rules.custom["fresh"].model_extra == {"max_age": "1h"}
    for bad in (
        {"max_null_ratio": {"a": 2}},
        {"min_rows": 0},
        {"ranges": {}},
        {"expressions": [{"name": "x", "expression": "1"}, {"name": "x", "expression": "2"}]},
    ):
        with pytest.raises(ValidationError):
            load(quality_rules=bad)


def test_aws_extension_is_typed_loosely():
    ext = load(
        extensions={
            "aws": {
                "glue_job": {
                    "glue_version": 5.0,
                    "number_of_workers": 4,
                    "connections": "a,b",
                    "future_key": 1,
                },
                "iceberg": {"warehouse": "s3://w/", "table_properties": {"format-version": "2"}},
                "dependencies": {"extra_jars": "s3://a.jar, s3://b.jar"},
                "job_bookmarks": {"enabled": True},
                "lake_formation": {"x": 1},
                "unknown_block": {},
            },
            "databricks": {"anything": [1, 2]},
        }
    ).extensions
    assert ext.aws.glue_job.glue_version == "5.0" and ext.aws.glue_job.connections == ("a", "b")
    assert ext.aws.glue_job.model_extra == {"future_key": 1}
    assert ext.aws.model_extra == {"unknown_block": {}}
    assert ext.aws.dependencies.extra_jars == ("s3://a.jar", "s3://b.jar")
    assert ext.model_extra == {"databricks": {"anything": [1, 2]}}
    with pytest.raises(ValidationError):
        load(extensions={"aws": {"glue_job": {"number_of_workers": "many"}}})


def test_execution_naming_and_recorded_fields():
    contract = load(
        execution={"preferred": "available_now", "catchup": {"enabled": True, "every": "1 day"}},
        naming={"policy": "custom", "job_name": "j"},
        sla=60,
        tags="a,b",
        dry_run=True,
        idempotency_policy="skip_if_success",
        parent_run_id="p",
    )
    assert (
        contract.execution.preferred == "available_now"
        and contract.sla == "60"
        and contract.tags == ("a", "b")
    )
    with pytest.raises(ValidationError):
        load(execution={"preferred": "sometimes"})


def test_models_are_frozen_and_dump_in_yaml_spelling():
    contract = load(target={"table": "t", "schema": "s"})
    with pytest.raises(ValidationError):
        contract.layer = "silver"
    dumped = contract.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert dumped["target"] == {"table": "t", "schema": "s"} and dumped["mode"] == "scd0_append"
