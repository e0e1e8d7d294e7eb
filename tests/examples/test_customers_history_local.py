"""examples/customers-history runs locally with the tables its README documents (three waves)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.compiler.local.reference_helpers import reset_project, run, stage

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2] / "examples" / "customers-history"
LANDING = "s3://customers-history-lake-eu-west-1/landing/customers/"
HISTORY = "glue_catalog.crm_customers_silver.s_customers_history"
CURRENT = "glue_catalog.crm_customers_silver.s_customers_current"


def day(n: int) -> dt.datetime:
    return dt.datetime(2026, 1, n)


def _wave(spark, s3_root: Path, n: int) -> dict:
    shutil.rmtree(s3_root / "customers-history-lake-eu-west-1" / "landing", ignore_errors=True)
    stage(PROJECT / "data" / "customers" / f"wave{n}", LANDING, s3_root)
    outcomes = run(spark, PROJECT, s3_root)
    assert {o.status for o in outcomes.values()} <= {"SUCCESS", "SKIPPED"}, {
        name: o.error_message for name, o in outcomes.items()
    }
    return {name: o.changes for name, o in outcomes.items()}


def _history(spark) -> list[tuple]:
    rows = spark.table(HISTORY).orderBy("customer_id", "valid_from").collect()
    return [(r.customer_id, r.city, r.tier, r.valid_from, r.valid_to, r.is_current) for r in rows]


def _current(spark) -> dict:
    return {r.customer_id: (r.city, r.tier, r.is_active) for r in spark.table(CURRENT).collect()}


def test_three_waves(spark, tmp_path):
    reset_project(spark, PROJECT)
    s3_root = tmp_path / "s3"
    first = _wave(spark, s3_root, 1)
    assert first["customers_history"] == {"inserted": 5, "updated": 1, "deleted": 0, "unchanged": 0}
    assert first["customers_current"] == {
        "inserted": 5, "updated": 0, "deleted": 0, "reactivated": 0, "unchanged": 0,
    }  # fmt: skip

    second = _wave(spark, s3_root, 2)
    assert second["customers_history"] == {"inserted": 1, "updated": 4, "deleted": 0, "unchanged": 3}
    assert second["customers_current"] == {
        "inserted": 1, "updated": 2, "deleted": 0, "reactivated": 0, "unchanged": 3,
    }  # fmt: skip

    third = _wave(spark, s3_root, 3)
    assert third["customers_history"] == {"inserted": 0, "updated": 0, "deleted": 1, "unchanged": 4}
    assert third["customers_current"] == {
        "inserted": 0, "updated": 0, "deleted": 2, "reactivated": 0, "unchanged": 4,
    }  # fmt: skip

    assert _history(spark) == [
        (1, "Oslo", "gold", day(1), day(10), False),
        (1, "Bergen", "gold", day(10), day(12), False),
        (1, "Paris", "gold", day(12), None, True),
        (2, "Rome", "silver", day(1), day(3), False),
        (2, "Milan", "silver", day(3), day(5), False),  # wave 2's late row, in its place
        (2, "Turin", "silver", day(5), None, True),
        (3, "Nice", "bronze", day(1), day(20), False),  # closed by wave 3's delete row
        (4, "Lyon", "bronze", day(1), None, True),  # absent from wave 3: history keeps it open
        (5, "Kiel", "gold", day(1), day(11), False),
        (5, "Kiel", "platinum", day(11), None, True),
        (6, "Graz", "silver", day(11), None, True),
    ]
    assert _current(spark) == {
        1: ("Paris", "gold", True),
        2: ("Turin", "silver", True),
        3: ("Nice", "bronze", False),
        4: ("Lyon", "bronze", False),
        5: ("Kiel", "platinum", True),
        6: ("Graz", "silver", True),
    }

    again = _wave(spark, s3_root, 3)  # the same extract again: nothing new, no snapshot
    assert again["customers_history"]["unchanged"] == 5 and again["customers_current"]["unchanged"] == 4
