"""The evidence SQL translated ahead of time: the data file is up to date, and a statement rendered from
it is the statement sqlglot makes of the filled-in Trino text (same syntax tree)."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlglot
from contractforge.ops import sql_catalog, sql_translation
from contractforge.ops.sql_backends import render_sql

PARAMS = sql_catalog.query_params(
    datetime(2026, 1, 1, 0, 0),
    datetime(2026, 1, 8, 12, 30),
    ["glue_catalog.db_a.t_one", "glue_catalog.db_b.t_two"],
)


def test_the_translations_data_file_is_up_to_date():
    assert sql_translation.data_file().read_text(encoding="utf-8") == sql_translation.serialized(
        sql_catalog.translations()
    ), "regenerate: python -m contractforge.ops.sql_catalog"


@pytest.mark.parametrize("dialect", sql_translation.DIALECTS)
@pytest.mark.parametrize("name", sql_catalog.query_names())
def test_a_translated_query_is_what_sqlglot_makes_of_the_filled_in_text(name: str, dialect: str):
    text = sql_catalog.query_text(name)
    db = "glue_catalog.ops_db" if dialect == "spark" else '"ops_db"'
    filled = text.replace("{db}", db)
    for key, value in PARAMS.items():
        filled = filled.replace("{" + key + "}", value)
    direct = sqlglot.transpile(filled.strip().rstrip(";"), read="trino", write=dialect)
    rendered = render_sql(text, dialect, "ops_db", **PARAMS).split(";\n")
    assert [_normalized(s, dialect) for s in direct] == [_normalized(s, dialect) for s in rendered]


def _normalized(statement: str, dialect: str) -> str:
    # the filled-in text carries Trino's millisecond literal (CAST(… AS TIMESTAMP(3))); rendered from
    # the translation it stays TIMESTAMP '…', which both dialects read as a timestamp literal
    return sqlglot.parse_one(statement, read=dialect).sql(dialect).replace("TIMESTAMP(3)", "TIMESTAMP")


def test_a_text_not_in_the_data_file_is_translated_on_the_spot():
    statement = "SELECT run_id FROM {db}.ctrl_ingestion_runs WHERE started_at_utc >= {since} LIMIT 3"
    assert render_sql(statement, "spark", "ops_db", since="TIMESTAMP '2026-01-01 00:00:00.000'") == (
        "SELECT\n  run_id\nFROM glue_catalog.ops_db.ctrl_ingestion_runs\n"
        "WHERE\n  started_at_utc >= TIMESTAMP '2026-01-01 00:00:00.000'\nLIMIT 3"
    )
