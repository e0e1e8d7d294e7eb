"""The named evidence queries in ``contractforge/ops/sql/*.sql``: one text per query, two dialects.

Each file is Athena (Trino) SQL with placeholders: ``{db}`` the evidence database, ``{since}`` and
``{now}`` TIMESTAMP literals, ``{targets}`` a list of quoted target tables. ``render`` fills them
and, for the local Spark catalog and DuckDB, translates with sqlglot — so the texts cannot drift
(translated ahead of time: ``python -m contractforge.ops.sql_catalog`` refreshes sql_translation's
data file).
"""

from __future__ import annotations

from datetime import datetime
from importlib import resources

from contractforge.errors import ContractForgeError, Problem
from contractforge.ops import sql_translation
from contractforge.ops.sql_backends import render_sql, sql_literal

PACKAGE = "contractforge.ops.sql"


def query_names() -> list[str]:
    return sorted(
        p.name[: -len(".sql")] for p in resources.files(PACKAGE).iterdir() if p.name.endswith(".sql")
    )


def query_text(name: str) -> str:
    if name not in query_names():
        raise ContractForgeError(
            [Problem(message=f"unknown query {name!r}", field="NAME", suggestion=", ".join(query_names()))]
        )
    return resources.files(PACKAGE).joinpath(f"{name}.sql").read_text(encoding="utf-8")


def description(name: str) -> str:
    first = query_text(name).splitlines()[0]
    return first.removeprefix("--").strip().removeprefix(f"{name}:").strip()


def query_params(since: datetime, now: datetime, targets: list[str]) -> dict[str, str]:
    return {
        "since": sql_literal(since, "TIMESTAMP"),
        "now": sql_literal(now, "TIMESTAMP"),
        "targets": ", ".join(sql_literal(t) for t in targets) if targets else "NULL",
    }


def render(
    name: str,
    dialect: str,
    database: str,
    *,
    since: datetime,
    now: datetime,
    targets: list[str],
    table_prefix: str | None = None,
) -> str:
    return render_sql(query_text(name), dialect, database, table_prefix, **query_params(since, now, targets))


def translations() -> dict[str, str]:
    """Every named query translated to every local dialect (sql_translation's data file)."""
    return sql_translation.build([query_text(name) for name in query_names()])


if __name__ == "__main__":  # refresh the data file after editing a query (a test checks it)
    sql_translation.data_file().write_text(sql_translation.serialized(translations()), encoding="utf-8")
    print(f"wrote {sql_translation.data_file()}")
