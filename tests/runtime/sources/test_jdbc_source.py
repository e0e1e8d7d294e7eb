"""The JDBC source against a real PostgreSQL 15 on loopback (100k rows), read by local Spark."""

from __future__ import annotations

import pytest
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.environment.secrets import SecretResolver, env_var_name
from contractforge_runtime.sources import SourceContext, read_source
from contractforge_runtime.sources.jdbc import bookmark_read_arguments, new_rows_predicate
from contractforge_runtime.sources.jdbc_options import (
    JdbcSourceError,
    connection_options,
    partition_options,
    rds_iam_credentials,
    relation_of,
)

from tests.spark_reset import drop_databases

ROWS = 100_000


def base_source(pg, **extra):
    source = {
        "type": "postgres",
        "family": "jdbc",
        "name": "events",
        "url": pg.jdbc_url,
        "auth": {"type": "basic", "username": "{{ secret:pg/user }}", "password": "{{ secret:pg/password }}"},
    }
    source.update(extra)
    return source


def context(spark, previous_state=None):
    run = RunContext.local("jdbc-test")  # no resolver given: created from the env vars on demand
    return SourceContext(spark, run, previous_state, None, "glue_catalog.db.t")


@pytest.fixture(scope="module")
def loaded(postgres):
    postgres.psql(
        "DROP TABLE IF EXISTS events; "
        "CREATE TABLE events (id bigint PRIMARY KEY, account text NOT NULL, amount numeric(12,2), "
        "updated_at timestamp NOT NULL); "
        "INSERT INTO events SELECT g, 'acct-' || (g % 100), (g % 1000) / 10.0, "
        "timestamp '2026-01-01' + g * interval '1 second' FROM generate_series(1, 100000) g; ANALYZE events;"
    )
    return postgres


@pytest.fixture()
def pg_secrets(monkeypatch, loaded):
    monkeypatch.setenv(env_var_name("pg", "user"), loaded.user)
    monkeypatch.setenv(env_var_name("pg", "password"), loaded.password)
    return loaded


# ----------------------------------------------------------------------------- option building (fast)
def test_driver_follows_the_url_and_secrets_resolve():
    resolver = SecretResolver.local(environ={env_var_name("db", "pw"): "s3cret!"}, secrets_file="/none")
    source = {
        "url": "jdbc:sqlserver://db.example.com:1433;databaseName=x",
        "table": "dbo.t",
        "auth": {"username": "reader", "password": "{{ secret:db/pw }}"},
        "read": {"fetchsize": 5000},
    }
    options = connection_options(source, resolver)
    assert options == {
        "url": "jdbc:sqlserver://db.example.com:1433;databaseName=x",
        "driver": "com.microsoft.sqlserver.jdbc.SQLServerDriver",
        "fetchsize": "5000",
        "user": "reader",
        "password": "s3cret!",
    }
    for url, driver in [
        ("jdbc:mysql://h/db", "com.mysql.cj.jdbc.Driver"),
        ("jdbc:mariadb://h/db", "org.mariadb.jdbc.Driver"),
        ("jdbc:oracle:thin:@//h:1521/svc", "oracle.jdbc.OracleDriver"),
        (
            "jdbc:redshift://c.abc.eu-west-1.redshift.amazonaws.com:5439/dev",
            "com.amazon.redshift.jdbc42.Driver",
        ),
    ]:
        assert connection_options({"url": url, "table": "t"}, resolver)["driver"] == driver


@pytest.mark.parametrize(
    "source",
    [
        {"url": "jdbc:postgresql://u:p@h/db", "table": "t"},
        {"url": "jdbc:sqlserver://h;user=u;password=literal", "table": "t"},
        {"url": "jdbc:postgresql://h/db", "table": "t", "auth": {"username": "u", "password": "literal"}},
        {"url": "jdbc:postgresql://h/db", "table": "t", "options": {"password": "literal"}},
    ],
)
def test_inline_credentials_are_refused(source):
    with pytest.raises(JdbcSourceError):
        connection_options(source, SecretResolver.local(environ={}, secrets_file="/none"))


def test_table_or_query_and_all_or_none_partition_options():
    with pytest.raises(JdbcSourceError, match="both"):
        relation_of({"table": "t", "query": "select 1"})
    with pytest.raises(JdbcSourceError, match="needs table or query"):
        relation_of({})
    assert relation_of({"options": {"query": "select 1;"}}) == ("query", "select 1")
    with pytest.raises(JdbcSourceError, match=r"missing \['upper_bound', 'num_partitions'\]"):
        partition_options({"partition_column": "id", "lower_bound": 1})
    assert partition_options({}) == {}


def test_incremental_predicate_templates_quote_the_previous_value():
    assert new_rows_predicate({}, "updated_at", None) is None
    assert new_rows_predicate({}, "id", "O'Brien") == "id > 'O''Brien'"
    template = {"predicate": "updated_at >= CAST({watermark_previous} AS timestamp) - interval '1 hour'"}
    assert new_rows_predicate(template, "updated_at", "2026-01-01 00:00:00") == (
        "updated_at >= CAST('2026-01-01 00:00:00' AS timestamp) - interval '1 hour'"
    )


def test_rds_iam_token_is_generated_by_boto3_and_remembered_for_redaction(monkeypatch):
    boto3 = pytest.importorskip("boto3")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    resolver = SecretResolver.local(environ={}, secrets_file="/none")
    url = "jdbc:postgresql://db1.abc123.eu-west-1.rds.amazonaws.com/app"
    client = boto3.client("rds", region_name="eu-west-1")
    creds = rds_iam_credentials({"username": "iam_reader"}, {"url": url}, "postgresql", resolver, client)
    assert creds["user"] == "iam_reader" and creds["sslmode"] == "require"
    assert "Action=connect" in creds["password"] and "DBUser=iam_reader" in creds["password"]
    assert creds["password"] in resolver.revealed


# ------------------------------------------------------------------------------- real PostgreSQL
@pytest.mark.jdbc
@pytest.mark.slow
def test_full_table_read_with_credentials_from_env_secrets(spark, pg_secrets):
    result = read_source(spark, base_source(pg_secrets, table="public.events"), context(spark))
    assert result.df.count() == ROWS
    assert result.watermark is None
    assert pg_secrets.password not in str(result.metadata)
    assert result.metadata["options"] == {} and result.metadata["partitioned"] is False


@pytest.mark.jdbc
@pytest.mark.slow
def test_wrong_password_fails(spark, pg_secrets, monkeypatch):
    monkeypatch.setenv(env_var_name("pg", "password"), "not-the-password")
    with pytest.raises(Exception, match="password authentication failed"):
        read_source(spark, base_source(pg_secrets, table="events"), context(spark)).df.count()


@pytest.mark.jdbc
@pytest.mark.slow
def test_partitioned_read_splits_into_num_partitions(spark, pg_secrets):
    source = base_source(
        pg_secrets,
        table="events",
        read={
            "partition_column": "id",
            "lower_bound": 1,
            "upper_bound": ROWS,
            "num_partitions": 4,
            "fetchsize": 10000,
        },
    )
    df = read_source(spark, source, context(spark)).df
    assert df.rdd.getNumPartitions() == 4
    totals = df.selectExpr("count(*) AS n", "sum(id) AS s", "count(DISTINCT id) AS d").collect()[0]
    assert (totals.n, totals.s, totals.d) == (ROWS, ROWS * (ROWS + 1) // 2, ROWS)


@pytest.mark.jdbc
@pytest.mark.slow
def test_query_pushdown_runs_in_postgres(spark, pg_secrets):
    query = (
        "SELECT account, count(*) AS n, sum(amount) AS total FROM events WHERE id % 10 = 0 GROUP BY account"
    )
    result = read_source(spark, base_source(pg_secrets, query=query), context(spark))
    rows = {r.account: r.n for r in result.df.collect()}
    assert len(rows) == 10 and sum(rows.values()) == ROWS // 10
    assert result.df.columns == ["account", "n", "total"]
    assert result.metadata["relation_kind"] == "query"
    partitioned = base_source(
        pg_secrets,
        query="SELECT id, amount FROM events WHERE account = 'acct-7'",
        read={"partition_column": "id", "lower_bound": 1, "upper_bound": ROWS, "num_partitions": 3},
    )
    df = read_source(spark, partitioned, context(spark)).df
    assert df.rdd.getNumPartitions() == 3 and df.count() == ROWS // 100


@pytest.mark.jdbc
@pytest.mark.slow
def test_incremental_watermark_round_trip_reads_only_new_rows(spark, pg_secrets):
    pg_secrets.psql(
        "DROP TABLE IF EXISTS orders_inc; CREATE TABLE orders_inc (id int PRIMARY KEY, updated_at timestamp(6)); "
        "INSERT INTO orders_inc SELECT g, timestamp '2026-02-01 00:00:00.123456' + g * interval '1 minute' "
        "FROM generate_series(1, 1000) g;"
    )
    incremental = {"watermark_column": "updated_at", "initial_value": "1970-01-01 00:00:00"}
    source = base_source(pg_secrets, table="orders_inc", incremental=incremental)

    first = read_source(spark, source, context(spark))
    assert first.df.count() == 1000
    assert first.watermark == {"column": "updated_at", "previous": "1970-01-01 00:00:00",
                               "current": "2026-02-01 16:40:00.123456"}  # fmt: skip
    assert first.metadata["incremental"]["watermark_origin"] == "contract"

    # What the runner stores in ctrl_ingestion_state after the committed write of run 1.
    state = {"target_table": "glue_catalog.db.t", "watermark_column": "updated_at",
             "watermark_value": first.watermark["current"]}  # fmt: skip
    pg_secrets.psql(
        "INSERT INTO orders_inc SELECT g, timestamp '2026-03-01 00:00:00' + g * interval '1 second' "
        "FROM generate_series(1001, 1050) g;"
    )
    second = read_source(spark, source, context(spark, previous_state=state))
    assert sorted(r.id for r in second.df.select("id").collect()) == list(range(1001, 1051))
    assert second.watermark["previous"] == "2026-02-01 16:40:00.123456"
    assert second.watermark["current"] == "2026-03-01 00:17:30"
    assert second.metadata["incremental"]["watermark_origin"] == "state"

    # Rows arriving after the upper bound was taken wait for the next run (read is bounded).
    pg_secrets.psql("INSERT INTO orders_inc VALUES (2000, timestamp '2026-04-01 00:00:00')")
    assert second.df.count() == 50

    state["watermark_value"] = second.watermark["current"]
    third = read_source(spark, source, context(spark, previous_state=state))
    assert [r.id for r in third.df.collect()] == [2000]

    state["watermark_value"] = third.watermark["current"]
    fourth = read_source(spark, source, context(spark, previous_state=state))
    assert fourth.df is None and fourth.metadata["no_new_rows"] is True
    assert fourth.watermark == {"column": "updated_at", "previous": "2026-04-01 00:00:00",
                                "current": "2026-04-01 00:00:00"}  # fmt: skip


@pytest.mark.jdbc
@pytest.mark.slow
def test_incremental_state_round_trip_through_the_runner(spark, pg_secrets, tmp_path):
    """run_plan stores the watermark in ctrl_ingestion_state after the commit and feeds it back."""
    from contractforge_runtime.run import run_plan

    from tests.runtime.plan_factory import run_plan as make_plan

    db = "cf_test_jdbc_incremental"
    drop_databases(spark, db, f"{db}_ops")
    pg_secrets.psql(
        "DROP TABLE IF EXISTS customers_inc; CREATE TABLE customers_inc (customer_id int PRIMARY KEY, "
        "name text, updated_at timestamp); INSERT INTO customers_inc SELECT g, 'c' || g, "
        "timestamp '2026-05-01' + g * interval '1 hour' FROM generate_series(1, 500) g;"
    )
    source = base_source(pg_secrets, table="public.customers_inc", options={}, driver="org.postgresql.Driver")
    source.update(
        read={"partition_column": "customer_id", "lower_bound": 1, "upper_bound": 1000, "num_partitions": 2},
        incremental={"watermark_column": "updated_at", "initial_value": "1970-01-01 00:00:00"},
    )
    plan = make_plan("customers", db, "b_customers", source=source,
                     write={"mode": "scd1_upsert", "merge_keys": ["customer_id"]})  # fmt: skip

    first = run_plan(spark, plan, RunContext.local("customers", s3_root=str(tmp_path)))
    assert (first.status, first.rows_written) == ("SUCCESS", 500)
    pg_secrets.psql(
        "UPDATE customers_inc SET name = 'changed', updated_at = timestamp '2026-07-01' WHERE customer_id <= 3; "
        "INSERT INTO customers_inc VALUES (501, 'new', timestamp '2026-07-02');"
    )
    second = run_plan(spark, plan, RunContext.local("customers", s3_root=str(tmp_path)))
    assert (second.status, second.rows_read, second.rows_inserted, second.rows_updated) == (
        "SUCCESS",
        4,
        1,
        3,
    )
    third = run_plan(spark, plan, RunContext.local("customers", s3_root=str(tmp_path)))
    assert (third.status, third.skip_reason) == ("SKIPPED", "no_new_input")

    runs = spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_runs").orderBy("started_at_utc").collect()
    assert [(r.watermark_previous, r.watermark_current) for r in runs] == [
        ("1970-01-01 00:00:00", "2026-05-21 20:00:00"),
        ("2026-05-21 20:00:00", "2026-07-02 00:00:00"),
        ("2026-07-02 00:00:00", "2026-07-02 00:00:00"),
    ]
    assert spark.table(f"glue_catalog.{db}.b_customers").where("name = 'changed'").count() == 3


def test_glue_bookmark_read_arguments():
    options = {
        "url": "jdbc:mariadb://h:3306/shop",
        "user": "u",
        "password": "p",
        "driver": "org.mariadb.jdbc.Driver",
    }
    source = {"table": "orders", "incremental": {"watermark_column": "id", "sort_order": "desc"}}
    assert bookmark_read_arguments(options, source, "id") == {
        "connection_type": "mysql",
        "connection_options": {
            "url": "jdbc:mariadb://h:3306/shop",
            "dbtable": "orders",
            "jobBookmarkKeys": ["id"],
            "jobBookmarkKeysSortOrder": "desc",
            "user": "u",
            "password": "p",
            "driver": "org.mariadb.jdbc.Driver",
        },
        "transformation_ctx": "cf_jdbc_bookmark",
    }
    with pytest.raises(JdbcSourceError, match="glue_bookmark"):
        bookmark_read_arguments(options, {"query": "select 1"}, "id")
    with pytest.raises(JdbcSourceError, match="glue_bookmark"):
        bookmark_read_arguments(options, source, "t.id")
