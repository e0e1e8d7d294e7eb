"""Empty input is a skip, not an error: a 0-byte file is named and skipped, and a landing prefix
that is gone behaves like an empty one (incremental files)."""

from __future__ import annotations

import pytest
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.run import run_plan

from tests.runtime.plan_factory import run_plan as make_plan
from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow
HEADER = "order_id,amount\n"


def _plan(db: str, family: str) -> dict:
    source = {"type": family if family == "incremental_files" else "csv", "family": family, "format": "csv",
              "path": "s3://cf-test-bucket/landing/empty/", "options": {"header": "true"}, "read": {},
              "bookmarks": True}  # fmt: skip
    return make_plan("empty", db, "b_empty", source=source, write={})


@pytest.mark.parametrize("family", ["files", "incremental_files"])
def test_a_zero_byte_file_alone_is_empty_input_named_in_a_warning(spark, tmp_path, capsys, family):
    db = f"cf_test_empty_{family}"
    drop_databases(spark, db, f"{db}_ops")
    landing = tmp_path / "s3" / "cf-test-bucket" / "landing" / "empty"
    landing.mkdir(parents=True)
    (landing / "orders_0001.csv").write_bytes(b"")
    result = run_plan(spark, _plan(db, family), RunContext.local("empty", s3_root=str(tmp_path / "s3")))
    assert (result.status, result.skip_reason) == ("SKIPPED", "no_new_input")
    assert "orders_0001.csv" in capsys.readouterr().err
    (landing / "orders_0002.csv").write_text(HEADER + "1,10\n")  # a real file beside it is read
    result = run_plan(spark, _plan(db, family), RunContext.local("empty", s3_root=str(tmp_path / "s3")))
    assert (result.status, result.rows_written) == ("SUCCESS", 1)


def test_a_missing_landing_prefix_is_like_an_empty_one(spark, tmp_path, capsys):
    db = "cf_test_empty_missing"
    drop_databases(spark, db, f"{db}_ops")
    (tmp_path / "s3").mkdir()
    result = run_plan(
        spark, _plan(db, "incremental_files"), RunContext.local("empty", s3_root=str(tmp_path / "s3"))
    )
    assert (result.status, result.skip_reason) == ("SKIPPED", "no_new_input")
    assert "landing prefix s3://cf-test-bucket/landing/empty/ does not exist" in capsys.readouterr().err
