"""Malformed records and failed casts are quarantined where they enter (raw record kept), counted,
and keyed so a re-delivered file adds no second quarantine row; ``malformed_records: fail`` fails."""

from __future__ import annotations

import json
import os

import pytest
from contractforge_runtime.checks.intake import MalformedRecordsError
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.run import run_plan

from tests.runtime.plan_factory import run_plan as make_plan
from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow
CSV = (
    "order_id,currency,ordered_at\n"
    "1,EUR,2024-01-01 10:00:00\n"
    "2,USD\n"  # too few fields
    "3,EUR,2024-01-03 10:00:00,surplus\n"  # too many fields
    "4,EUR,2024-13-45 99:00:00\n"  # a timestamp the cast cannot parse
    "5,,\n"  # empty values are NULL, not failures
)
JSON = (
    '{"order_id": 1, "currency": "EUR"}\n{"order_id": 2, "currency": \n{"order_id": 3, "currency": "USD"}\n'
)


def _plan(db: str, fmt: str, write: dict | None = None, **source) -> dict:
    source = {"type": "incremental_files", "family": "incremental_files", "format": fmt,
              "path": "s3://cf-test-bucket/landing/orders/", "options": {"header": "true"} if fmt == "csv" else {},
              "read": {}, "bookmarks": True, **source}  # fmt: skip
    preparation = {"cast": {"order_id": "BIGINT", **({"ordered_at": "TIMESTAMP"} if fmt == "csv" else {})}}
    write = write or {"mode": "scd1_upsert", "merge_keys": ["order_id"]}
    return make_plan("orders", db, "b_orders", source=source, write=write, preparation=preparation)


def _land(tmp_path, name: str, text: str, mtime: int = 1_700_000_000):
    landing = tmp_path / "s3" / "cf-test-bucket" / "landing" / "orders"
    landing.mkdir(parents=True, exist_ok=True)
    (landing / name).write_text(text)
    os.utime(landing / name, (mtime, mtime))
    return landing / name


def _run(spark, plan, tmp_path, **kwargs):
    return run_plan(spark, plan, RunContext.local("orders", s3_root=str(tmp_path / "s3")), **kwargs)


def _quarantine(spark, db: str) -> list:
    table = f"glue_catalog.{db}_ops.ctrl_ingestion_quarantine"
    return spark.table(table).orderBy("rule_name", "record_payload").collect()


def test_csv_rows_with_wrong_field_counts_and_failed_casts_are_quarantined_once(spark, tmp_path):
    db = "cf_test_intake_csv"
    drop_databases(spark, db, f"{db}_ops")
    path = _land(tmp_path, "orders_0001.csv", CSV)
    result = _run(spark, _plan(db, "csv"), tmp_path)
    assert (result.status, result.rows_read, result.rows_quarantined) == ("SUCCESS", 5, 3)
    assert result.rows_written == 2
    target = {r.order_id: r.ordered_at for r in spark.table(f"glue_catalog.{db}.b_orders").collect()}
    assert sorted(target) == [1, 5] and target[5] is None
    rows = _quarantine(spark, db)
    cast_failed, *malformed = rows
    assert json.loads(cast_failed.record_payload)["ordered_at"] == "2024-13-45 99:00:00"  # raw value kept
    assert "ordered_at='2024-13-45 99:00:00'" in cast_failed.error_reason
    assert json.loads(cast_failed.record_ref) == {"order_id": 4}
    assert [(r.rule_name, r.record_payload) for r in malformed] == [
        ("malformed_record", "2,USD"),
        ("malformed_record", "3,EUR,2024-01-03 10:00:00,surplus"),
    ]
    assert json.loads(malformed[0].record_ref)["file"].endswith("orders_0001.csv")
    runs = spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_runs").collect()
    assert [(r.rows_read, r.rows_quarantined) for r in runs] == [(5, 3)]
    metrics = json.loads(runs[0].source_metrics_json)
    assert metrics["intake"] == {"malformed_records": 2, "cast_failed": 1}

    os.utime(path, (1_700_000_500, 1_700_000_500))  # the same file delivered again
    result = _run(spark, _plan(db, "csv"), tmp_path)
    assert result.status in ("SUCCESS", "SKIPPED") and (result.rows_quarantined, result.rows_written) == (
        3,
        0,
    )
    assert len(_quarantine(spark, db)) == 3  # keyed by record and rule: nothing added


@pytest.mark.parametrize(
    "write",
    [{"mode": "scd0_append"}, {"mode": "scd1_hash_diff", "merge_keys": ["order_id"], "hash_keys": ["currency"]}],
    ids=["append", "hash_diff"],
)
def test_a_guarded_read_meeting_rows_to_quarantine_commits_nothing_then_splits_them(spark, tmp_path, write):
    """Append and hash diff read a batch on the bet that nothing is to be quarantined (no cache, no
    count); a malformed record or a failed cast fails that job before any commit, and the run splits
    the rows the counted way: the same rows quarantined and written, one target commit."""
    db = f"cf_test_intake_guard_{write['mode']}"
    drop_databases(spark, db, f"{db}_ops")
    _land(tmp_path, "orders_0001.csv", CSV)
    result = _run(spark, _plan(db, "csv", write), tmp_path)
    assert (result.status, result.rows_read, result.rows_quarantined, result.rows_written) == (
        "SUCCESS", 5, 3, 2,
    )  # fmt: skip
    assert result.operation_metrics["table_created"] is True  # created by the attempt that lost its bet
    assert sorted(r.order_id for r in spark.table(f"glue_catalog.{db}.b_orders").collect()) == [1, 5]
    assert spark.sql(f"SELECT count(*) FROM glue_catalog.{db}.b_orders.snapshots").first()[0] == 1
    assert sorted(r.rule_name for r in _quarantine(spark, db)) == ["cast_failed", *["malformed_record"] * 2]
    [run] = spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_runs").collect()
    assert json.loads(run.source_metrics_json)["intake"] == {"malformed_records": 2, "cast_failed": 1}

    _land(tmp_path, "orders_0002.csv", "order_id,currency,ordered_at\n7,EUR,2024-01-07 10:00:00\n")
    result = _run(spark, _plan(db, "csv", write), tmp_path)  # a clean batch: the bet holds
    assert (result.status, result.rows_read, result.rows_quarantined, result.rows_written) == (
        "SUCCESS", 1, 0, 1,
    )  # fmt: skip
    assert len(_quarantine(spark, db)) == 3


def test_unparseable_json_lines_are_quarantined_with_the_raw_line(spark, tmp_path):
    db = "cf_test_intake_json"
    drop_databases(spark, db, f"{db}_ops")
    _land(tmp_path, "orders_0001.json", JSON)
    result = _run(spark, _plan(db, "json"), tmp_path)
    assert (result.status, result.rows_read, result.rows_quarantined, result.rows_written) == (
        "SUCCESS",
        3,
        1,
        2,
    )
    [row] = _quarantine(spark, db)
    assert (row.rule_name, row.record_payload) == ("malformed_record", '{"order_id": 2, "currency": ')


def test_malformed_records_fail_the_run_when_the_contract_says_so(spark, tmp_path):
    db = "cf_test_intake_fail"
    drop_databases(spark, db, f"{db}_ops")
    _land(tmp_path, "orders_0001.csv", CSV)
    result = _run(spark, _plan(db, "csv", malformed_records="fail"), tmp_path, raise_on_failure=False)
    assert result.status == "FAILED" and isinstance(result.error, MalformedRecordsError)
    assert "2 malformed record(s)" in str(result.error) and "orders_0001.csv" in str(result.error)
    assert not spark.catalog.tableExists(f"glue_catalog.{db}.b_orders")


def test_an_http_file_body_keeps_its_malformed_lines_for_quarantine(spark):
    from contractforge_runtime.checks.intake import split_malformed
    from contractforge_runtime.sources.http_file import body_to_dataframe

    df = body_to_dataframe(spark, "a,b\n1,x\n2\n3,z,extra\n", "csv", {"header": True}).cache()
    split = split_malformed(df, None)
    assert split.rows == 2 and sorted(r.a for r in split.df.collect()) == ["1"]
    assert sorted(r.record_payload for r in split.quarantine.collect()) == ["2", "3,z,extra"]
    df.unpersist()
