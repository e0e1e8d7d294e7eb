"""The operations guide's dashboard queries (verbatim, tests/data/ops) adapted for Athena and DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from contractforge.errors import ContractForgeError
from contractforge.ops import dashboard_sql, evidence_views, sql_catalog

GUIDE_FILE = Path(__file__).resolve().parents[1] / "data" / "ops" / "operations_guide_queries.sql"


def _statements() -> list[str]:
    return dashboard_sql.split_statements(GUIDE_FILE.read_text(encoding="utf-8"))


def test_the_guide_has_thirteen_queries_and_each_question_a_named_query():
    assert len(_statements()) == 13 == len(dashboard_sql.GUIDE_QUESTIONS)
    assert set(dashboard_sql.GUIDE_QUESTIONS.values()) <= set(sql_catalog.query_names())


@pytest.mark.parametrize("dialect", ["trino", "duckdb"])
def test_every_guide_query_is_adapted_to_the_evidence_database(dialect):
    for statement in _statements():
        adapted = dashboard_sql.adapt(statement, dialect, "shop_orders_ops")
        assert "main.ops" not in adapted and "main" not in adapted.split()
        assert '"shop_orders_ops".ctrl_ingestion_' in adapted
        assert sqlglot.parse_one(adapted, read=dialect) is not None


def test_state_and_locks_resolve_to_the_current_views():
    adapted = [dashboard_sql.adapt(s, "trino", "ops") for s in _statements()]
    state = next(a for a in adapted if "watermark_value" in a)
    locks = next(a for a in adapted if "EXPIRED_BUT_NOT_RELEASED" in a)
    assert '"ops".ctrl_ingestion_state_current' in state
    assert '"ops".ctrl_ingestion_locks_current' in locks
    trino = dashboard_sql.adapt(_statements()[7], "trino", "ops")  # stage durations: JSON in Trino terms
    assert "JSON_EXTRACT_SCALAR(stage_durations_json, '$.read')" in trino


def test_views_are_created_from_their_named_queries():
    text = evidence_views.create_view_sql("ctrl_ingestion_locks_current", "trino", "ops")
    assert text.startswith('CREATE OR REPLACE VIEW "ops"."ctrl_ingestion_locks_current" AS')
    assert sqlglot.parse_one(text, read="trino") is not None


def test_a_statement_that_is_not_sql_names_the_file():
    with pytest.raises(ContractForgeError, match="dash.sql: not Spark SQL"):
        dashboard_sql.adapt("SELECT FROM WHERE (", "trino", "ops", source="dash.sql")
