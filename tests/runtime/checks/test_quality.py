"""Quality evaluation on real Spark: severities × on_quality_fail, quarantine rows, evidence rows."""

from __future__ import annotations

import json

import pytest
from contractforge_runtime.checks import quality

pytestmark = pytest.mark.slow

ORDERS_SCHEMA = "order_id bigint, customer_id string, order_status string, amount double"
# the shared reference project s3-file-medallion: both waves; 1008 has status "unknown", 1009 a negative amount.
ORDERS = [
    (1001, "C1", "paid", 10.0),
    (1002, "C2", "cancelled", 20.0),
    (1003, "C3", "refunded", 30.0),
    (1004, "C1", "paid", 40.0),
    (1005, "C2", "paid", 50.0),
    (1006, "C3", "paid", 33.10),
    (1007, "C4", "paid", 450.0),
    (1008, "C4", "unknown", 12.0),
    (1009, "C5", "paid", -5.0),
]
BRONZE_RULES = [
    {"name": "order_id_not_null", "kind": "not_null", "columns": ["order_id"], "severity": "quarantine"},
    {
        "name": "customer_id_not_null",
        "kind": "not_null",
        "columns": ["customer_id"],
        "severity": "quarantine",
    },
    {"name": "unique_key", "kind": "unique_key", "columns": ["order_id"], "severity": "abort"},
    {
        "name": "order_status_accepted_values",
        "kind": "accepted_values",
        "columns": ["order_status"],
        "values": ["paid", "cancelled", "refunded"],
        "severity": "quarantine",
    },
    {
        "name": "non_negative_amount",
        "kind": "expression",
        "expression": "amount >= 0",
        "severity": "quarantine",
        "message": "Order amount must not be negative.",
    },
]


@pytest.fixture(scope="module")
def orders(spark):
    return spark.createDataFrame(ORDERS, ORDERS_SCHEMA)


def _by_name(outcome):
    return {r["rule_name"]: r for r in outcome.results}


def test_quarantine_policy_moves_failing_rows_and_keeps_the_rest(orders):
    outcome = quality.evaluate(orders, BRONZE_RULES, "quarantine", record_keys=["order_id"])
    assert outcome.status == "QUARANTINED" and outcome.abort_message is None
    assert outcome.rows_quarantined == 2 and outcome.rows_evaluated == 9
    assert sorted(r.order_id for r in outcome.valid_df.collect()) == list(range(1001, 1008))
    assert outcome.valid_df.columns == orders.columns
    results = _by_name(outcome)
    assert results["order_status_accepted_values"]["status"] == "QUARANTINED"
    assert results["order_status_accepted_values"]["failed_count"] == 1
    assert results["non_negative_amount"]["status"] == "QUARANTINED"
    assert results["non_negative_amount"]["message"] == "Order amount must not be negative."
    assert results["unique_key"]["status"] == "PASSED" and results["unique_key"]["failed_count"] == 0
    quarantined = {json.loads(r.record_ref)["order_id"]: r for r in outcome.quarantine_df.collect()}
    assert set(quarantined) == {1008, 1009}
    assert quarantined[1009].rule_name == "non_negative_amount"
    assert quarantined[1009].error_reason == "Order amount must not be negative."
    assert quarantined[1008].rule_name == "order_status_accepted_values"
    payload = quarantined[1008].record_payload
    assert payload == '{"amount":12.0,"customer_id":"C4","order_id":1008,"order_status":"unknown"}'
    outcome.release()


def test_fail_policy_turns_quarantine_failures_into_a_failed_run(orders):
    outcome = quality.evaluate(orders, BRONZE_RULES, "fail")
    assert outcome.status == "FAILED"
    assert outcome.quarantine_df is None and outcome.rows_quarantined == 0
    assert outcome.abort_message == (
        "Data quality (abort) failed: [order_status_accepted_values]; "
        "Data quality expression failed: non_negative_amount"
    )
    statuses = {name: r["status"] for name, r in _by_name(outcome).items()}
    assert statuses["order_status_accepted_values"] == "FAILED"
    assert statuses["order_id_not_null"] == "PASSED"


def test_warn_policy_keeps_every_row_and_warns(orders):
    outcome = quality.evaluate(orders, BRONZE_RULES, "warn")
    assert outcome.status == "WARNED" and outcome.abort_message is None
    assert outcome.valid_df.count() == 9 and outcome.quarantine_df is None
    assert _by_name(outcome)["non_negative_amount"]["status"] == "WARNED"


def test_fail_policy_on_clean_data_passes_every_row(spark):
    # hash-diff-production initial load: on_quality_fail fail, abort expression, clean data.
    df = spark.createDataFrame(
        [
            (1, "RETAIL", "active", 100.0),
            (2, "RETAIL", "active", 250.0),
            (3, "ENT", "active", 1000.0),
            (4, "ENT", "inactive", 0.0),
        ],
        "customer_id bigint, segment string, status string, balance double",
    )
    rules = [
        {
            "name": "customer_id_not_null",
            "kind": "not_null",
            "columns": ["customer_id"],
            "severity": "quarantine",
        },
        {"name": "unique_key", "kind": "unique_key", "columns": ["customer_id"], "severity": "abort"},
        {
            "name": "non_negative_balance",
            "kind": "expression",
            "expression": "balance >= 0",
            "severity": "abort",
        },
    ]
    outcome = quality.evaluate(df, rules, "fail")
    assert outcome.status == "PASSED" and outcome.abort_message is None
    assert outcome.valid_df.count() == 4
    assert [r["status"] for r in outcome.results] == ["PASSED"] * 3


def test_abort_expression_fails_whatever_the_policy(spark):
    # the shared reference project aws-failure-paths, step quality_abort_orders.
    df = spark.createDataFrame([(1, 125.5), (2, 250.75), (3, 0.0)], "order_id bigint, amount double")
    rules = [
        {"name": "order_id_not_null", "kind": "not_null", "columns": ["order_id"], "severity": "quarantine"},
        {
            "name": "impossible_amount_threshold",
            "kind": "expression",
            "expression": "amount > 1000000",
            "severity": "abort",
        },
    ]
    for policy in ("fail", "quarantine", "warn"):
        outcome = quality.evaluate(df, rules, policy)
        assert outcome.status == "FAILED"
        assert outcome.abort_message == "Data quality expression failed: impossible_amount_threshold"
        result = _by_name(outcome)["impossible_amount_threshold"]
        assert result["failed_count"] == 3 and result["severity"] == "abort"


def test_dataset_rules_and_duplicate_keys(spark):
    df = spark.createDataFrame([(1, None), (1, "x"), (2, None), (3, "y")], "id bigint, note string")
    rules = [
        {
            "name": "required_columns",
            "kind": "required_columns",
            "columns": ["id", "note"],
            "severity": "abort",
        },
        {"name": "min_rows", "kind": "min_rows", "value": 3, "severity": "abort"},
        {
            "name": "note_max_null_ratio",
            "kind": "max_null_ratio",
            "columns": ["note"],
            "value": 0.25,
            "severity": "warn",
        },
    ]
    outcome = quality.evaluate(df, rules, "fail")
    assert outcome.status == "WARNED"
    ratio = _by_name(outcome)["note_max_null_ratio"]
    assert ratio["observed_value"] == "0.5" and ratio["failed_count"] == 2
    assert _by_name(outcome)["min_rows"]["observed_value"] == "4"

    rules += [
        {"name": "unique_key", "kind": "unique_key", "columns": ["id"], "severity": "abort"},
        {"name": "min_rows_10", "kind": "min_rows", "value": 10, "severity": "abort"},
        {"name": "missing", "kind": "required_columns", "columns": ["amount"], "severity": "abort"},
    ]
    outcome = quality.evaluate(df, rules, "quarantine")
    assert outcome.status == "FAILED"
    results = _by_name(outcome)
    assert results["unique_key"]["failed_count"] == 2
    assert results["missing"]["observed_value"] == "amount"
    assert outcome.abort_message == "Data quality (abort) failed: [unique_key, min_rows_10, missing]"


def test_quarantine_severity_unique_key_quarantines_all_duplicates(spark):
    df = spark.createDataFrame([(1, "a"), (1, "b"), (2, "c")], "id bigint, v string")
    rules = [
        {"name": "unique_key", "kind": "unique_key", "columns": ["id"], "severity": "quarantine"},
        {
            "name": "few_nulls",
            "kind": "max_null_ratio",
            "columns": ["v"],
            "value": 0.0,
            "severity": "quarantine",
        },
    ]
    outcome = quality.evaluate(df, rules, "quarantine", record_keys=["id"])
    assert outcome.status == "QUARANTINED" and outcome.rows_quarantined == 2
    assert [r.id for r in outcome.valid_df.collect()] == [2]
    # a dataset-level rule cannot quarantine rows: it is recorded as WARNED when it fails
    assert quality.failure_action(rules[1], "quarantine") == "warn"


def test_unevaluable_rules_fail_and_no_rules_is_not_configured(spark):
    df = spark.createDataFrame([(1,)], "id bigint")
    rules = [
        {"name": "bad_expr", "kind": "expression", "expression": "no_such_column > 0", "severity": "warn"},
        {"name": "gone_not_null", "kind": "not_null", "columns": ["gone"], "severity": "quarantine"},
    ]
    outcome = quality.evaluate(df, rules, "quarantine")
    assert outcome.status == "FAILED"
    assert [r["status"] for r in outcome.results] == ["FAILED", "FAILED"]
    assert outcome.results[1]["observed_value"] == "missing column(s) ['gone']"
    empty = quality.evaluate(df, [], "fail")
    assert empty.status == "NOT_CONFIGURED" and empty.results == [] and empty.valid_df is df


def test_null_expression_result_counts_as_failure_and_null_passes_accepted_values(spark):
    df = spark.createDataFrame([(1, None), (2, "ok")], "id bigint, s string")
    rules = [
        {"name": "s_is_ok", "kind": "expression", "expression": "s = 'ok'", "severity": "warn"},
        {
            "name": "s_accepted",
            "kind": "accepted_values",
            "columns": ["s"],
            "values": ["ok"],
            "severity": "abort",
        },
    ]
    results = _by_name(quality.evaluate(df, rules, "fail"))
    assert results["s_is_ok"]["failed_count"] == 1 and results["s_is_ok"]["status"] == "WARNED"
    assert results["s_accepted"]["status"] == "PASSED"


def test_accepted_values_compares_strings_as_strings_and_never_loses_rows(spark):
    df = spark.createDataFrame([("1",), ("2",), ("x",), ("true",)], "code string")
    rules = [
        {
            "name": "code_accepted",
            "kind": "accepted_values",
            "columns": ["code"],
            "values": [1, True],
            "severity": "quarantine",
        },
    ]
    outcome = quality.evaluate(df, rules, "quarantine")
    assert sorted(r.code for r in outcome.valid_df.collect()) == ["1", "true"]
    assert outcome.rows_quarantined == 2 and outcome.quarantine_df.count() == 2
