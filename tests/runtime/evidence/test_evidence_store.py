"""EvidenceStore against a real local Iceberg catalog: ensure, add-missing-columns, typed appends."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import pytest
from contractforge_runtime.evidence import schema
from contractforge_runtime.evidence.store import EvidenceStore

pytestmark = pytest.mark.slow


def _database() -> str:
    return f"cf_ev_{uuid.uuid4().hex[:8]}"


def test_ensure_creates_every_table_with_the_defined_columns(spark):
    store = EvidenceStore(spark, _database())
    store.ensure()
    tables = {r.tableName for r in spark.sql(f"SHOW TABLES IN glue_catalog.{store.database}").collect()}
    assert tables == set(schema.EVIDENCE_TABLES)
    runs = spark.table(store.identifier("ctrl_ingestion_runs"))
    assert tuple(runs.columns) == schema.evidence_table("ctrl_ingestion_runs").column_names
    created = spark.sql(f"SHOW CREATE TABLE {store.identifier('ctrl_ingestion_runs')}").first()[0]
    assert "PARTITIONED BY (run_date)" in created


def test_ensure_adds_missing_columns_to_an_old_table_and_keeps_its_rows(spark):
    database = _database()
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS glue_catalog.{database}")
    # An "old" quality table without details_json and message, with one row already written.
    spark.sql(
        f"CREATE TABLE glue_catalog.{database}.ctrl_ingestion_quality (run_id STRING, target_table STRING,"
        " rule_name STRING, status STRING, severity STRING, failed_count BIGINT, observed_value STRING,"
        " checked_at_utc TIMESTAMP) USING iceberg"
    )
    spark.sql(
        f"INSERT INTO glue_catalog.{database}.ctrl_ingestion_quality VALUES"
        " ('old', 't', 'r', 'PASSED', 'warn', 0, '0', TIMESTAMP '2026-01-01 00:00:00')"
    )
    store = EvidenceStore(spark, database)
    store.ensure(["ctrl_ingestion_quality"])
    table = spark.table(store.identifier("ctrl_ingestion_quality"))
    assert table.columns[-2:] == ["message", "details_json"]
    store.append(
        "ctrl_ingestion_quality",
        [{"run_id": "new", "rule_name": "r", "status": "FAILED", "details_json": {"b": 1, "a": [2]}}],
    )
    rows = {r.run_id: r for r in spark.table(store.identifier("ctrl_ingestion_quality")).collect()}
    assert rows["old"].details_json is None and rows["old"].failed_count == 0
    assert rows["new"].details_json == '{"a": [2], "b": 1}'


def test_append_converts_types_and_fills_missing_columns_with_null(spark):
    store = EvidenceStore(spark, _database())
    started = datetime(2026, 6, 2, 10, 30, 0, tzinfo=UTC)
    written = store.append(
        "ctrl_ingestion_runs",
        [
            {
                "run_id": "r1",
                "run_ts_utc": "2026-06-02T10:30:05Z",
                "run_date": started,
                "started_at_utc": started,
                "rows_read": "9",
                "rows_written": 7.0,
                "duration_seconds": 3,
                "write_committed": "true",
                "source_options_json": {"header": True, "delimiter": ","},
                "status": "SUCCESS",
            },
            {"run_id": "r2", "run_date": date(2026, 6, 3), "write_committed": False},
        ],
    )
    assert written == 2
    rows = {r.run_id: r for r in spark.table(store.identifier("ctrl_ingestion_runs")).collect()}
    first = rows["r1"]
    assert first.run_date == date(2026, 6, 2)
    assert first.rows_read == 9 and first.rows_written == 7 and first.duration_seconds == 3.0
    assert first.write_committed is True
    assert json.loads(first.source_options_json) == {"delimiter": ",", "header": True}
    assert first.source_options_json == '{"delimiter": ",", "header": true}'
    assert first.ctrl_schema_version == schema.CTRL_SCHEMA_VERSION
    assert first.error_message is None
    as_text = spark.sql(
        f"SELECT date_format(run_ts_utc, 'yyyy-MM-dd HH:mm:ss') AS ts FROM {store.identifier('ctrl_ingestion_runs')}"
        " WHERE run_id = 'r1'"
    ).first()
    assert as_text.ts == "2026-06-02 10:30:05"  # the session runs in UTC
    assert rows["r2"].write_committed is False


def test_append_refuses_unknown_columns_and_bad_values(spark):
    store = EvidenceStore(spark, _database())
    with pytest.raises(ValueError, match="unknown evidence column"):
        store.append("ctrl_ingestion_cost", [{"run_id": "r", "dpu_seconds": 1.0}])
    with pytest.raises(ValueError, match="signal_value"):
        store.append("ctrl_ingestion_cost", [{"run_id": "r", "signal_value": "lots"}])
    with pytest.raises(ValueError, match="unknown evidence table"):
        store.append("ctrl_nope", [{"run_id": "r"}])


def test_append_df_casts_and_fills_the_remaining_columns(spark):
    store = EvidenceStore(spark, _database())
    df = spark.createDataFrame(
        [("r1", "t", "not_null", '{"a": 1}')],
        "run_id string, target_table string, rule_name string, record_payload string",
    )
    store.append_df("ctrl_ingestion_quarantine", df)
    row = spark.table(store.identifier("ctrl_ingestion_quarantine")).first()
    assert row.rule_name == "not_null" and row.record_payload == '{"a": 1}' and row.reason is None
    with pytest.raises(ValueError):
        store.append_df("ctrl_ingestion_quarantine", df.withColumnRenamed("rule_name", "rule"))


@pytest.mark.parametrize("count", [1, 3, 250])  # one literal row, several, past JAVA_ROWS_LIMIT
def test_append_paths_store_the_same_values(spark, count):
    store = EvidenceStore(spark, _database())
    at = datetime(2026, 6, 2, 10, 30, 0, tzinfo=UTC)
    rows = [
        {
            "target_table": "t",
            "run_id": f"r{i}",
            "owner": None,
            "acquired_at_utc": at,
            "expires_at_utc": at,
            "ttl_minutes": i,
            "status": "ACQUIRED",
        }
        for i in range(count)
    ]
    assert store.append(schema.LOCKS, rows) == count
    stored = spark.table(store.identifier(schema.LOCKS)).orderBy("ttl_minutes").collect()
    assert [(r.run_id, r.ttl_minutes, r.owner) for r in stored] == [(f"r{i}", i, None) for i in range(count)]
    assert {r.acquired_at_utc.strftime("%Y-%m-%d %H:%M") for r in stored} == {"2026-06-02 10:30"}


def test_append_each_commits_every_table_and_reports_a_failure(spark):
    store = EvidenceStore(spark, _database())
    store.append_each([(schema.ERRORS, [{"run_id": "r1"}]), (schema.LINEAGE, [{"run_id": "r1"}])])
    for table in (schema.ERRORS, schema.LINEAGE):
        assert [r.run_id for r in spark.table(store.identifier(table)).collect()] == ["r1"]
    with pytest.raises(ValueError, match="unknown evidence column"):
        store.append_each([(schema.ERRORS, [{"run_id": "r2"}]), (schema.LINEAGE, [{"nope": 1}])])
    # the valid batch still landed: every batch is attempted
    assert sorted(r.run_id for r in spark.table(store.identifier(schema.ERRORS)).collect()) == ["r1", "r2"]
    with pytest.raises(ValueError, match="distinct tables"):
        store.append_each([(schema.ERRORS, []), (schema.ERRORS, [])])


def test_append_each_commits_the_last_batch_only_after_the_others(spark, tmp_path):
    """``last`` (the runs row) is written alongside the batches and committed after them and after
    ``before_last``; when a batch fails or ``before_last`` raises, it is not committed."""
    store = EvidenceStore(spark, _database())
    store.ensure([schema.ERRORS, schema.LINEAGE, schema.RUNS])
    order = []
    store.append_each(
        [(schema.ERRORS, [{"run_id": "r1"}])],
        last=(schema.RUNS, [{"run_id": "r1", "status": "SUCCESS"}], {"contractforge.test": "r1"}),
        before_last=lambda: order.append(_run_ids(spark, store, schema.ERRORS)),
    )
    assert order == [["r1"]]  # the batch was committed before the last one
    assert _run_ids(spark, store, schema.RUNS) == ["r1"]
    assert store.snapshot_property(schema.RUNS, "contractforge.test", "contractforge.") == "r1"

    with pytest.raises(ValueError, match="unknown evidence column"):
        store.append_each([(schema.LINEAGE, [{"nope": 1}])], last=(schema.RUNS, [{"run_id": "r2"}]))

    def crash():
        raise RuntimeError("killed between the rounds")

    with pytest.raises(RuntimeError, match="killed"):
        store.append_each([(schema.ERRORS, [{"run_id": "r3"}])], last=(schema.RUNS, [{"run_id": "r3"}]),
                          before_last=crash)  # fmt: skip
    assert _run_ids(spark, store, schema.RUNS) == ["r1"]
    assert _run_ids(spark, store, schema.ERRORS) == ["r1", "r3"]


def _run_ids(spark, store, table) -> list[str]:
    spark.sql(f"REFRESH TABLE {store.identifier(table)}")
    return sorted(r.run_id for r in spark.table(store.identifier(table)).collect())
