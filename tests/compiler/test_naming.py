"""Names derived on AWS: readable, within limits, stable, never a doubled prefix."""

from __future__ import annotations

import re

from contractforge import naming


def test_glue_database_joins_and_sanitises():
    assert naming.glue_database("contractforge", "cf_orders_bronze") == "contractforge_cf_orders_bronze"
    assert naming.glue_database("acme", "billing-silver") == "acme_billing_silver"
    assert naming.glue_database(None, None) == "default"


def test_identifier_and_location():
    assert naming.iceberg_identifier("db", "t") == "glue_catalog.db.t"
    assert naming.namespace_location("s3://wh/x", "db") == "s3://wh/x/db.db/"
    assert naming.namespace_location("s3://wh/x/", "db") == "s3://wh/x/db.db/"


def test_glue_job_name_is_project_scoped_and_not_doubled():
    assert naming.glue_job_name("s3_file_medallion", "bronze_s3_orders_files") == (
        "s3_file_medallion-bronze_s3_orders_files"
    )
    name = naming.glue_job_name("contractforge", "contractforge_orders")
    assert not name.startswith("contractforge_contractforge") and "contractforge-contractforge" not in name
    assert naming.glue_job_name("p", "s", override="my job!") == "my-job"


def test_long_names_are_fitted_with_a_stable_hash():
    long_step = "x" * 400
    job = naming.glue_job_name("proj", long_step)
    assert len(job) <= 255 and re.fullmatch(r"[A-Za-z0-9_.-]+", job)
    assert job == naming.glue_job_name("proj", long_step)
    assert job != naming.glue_job_name("proj", long_step + "y")
    sfn = naming.state_machine_name("p" * 200)
    assert len(sfn) <= 80 and re.fullmatch(r"[A-Za-z0-9_-]+", sfn)
    schedule = naming.schedule_name("usgs_earthquake_rest_medallion" * 4)
    assert len(schedule) <= 64 and re.fullmatch(r"[0-9a-zA-Z_.-]+", schedule)


def test_schedule_and_state_machine_names():
    assert naming.schedule_name("usgs_earthquake_rest_medallion") == "usgs-earthquake-rest-medallion-schedule"
    assert naming.state_machine_name("acme billing") == "acme-billing"


def test_make_unique_keeps_first_and_suffixes_duplicates():
    names = naming.make_unique(["a", "b", "a"])
    assert names[:2] == ["a", "b"] and names[2] != "a" and len(set(names)) == 3


def test_evidence_database_fallback():
    assert naming.evidence_database(None, "acme_bronze") == "acme_bronze_ops"
    assert naming.evidence_database("ops", "acme_bronze") == "ops"
