"""Evidence tells the truth about a run that failed early: its quality rules did not run (NOT_RUN,
not NOT_CONFIGURED) and the error row carries the error's own words."""

from __future__ import annotations

import pytest
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.run import run_plan

from tests.runtime.plan_factory import run_plan as make_plan
from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow


def _failing_plan(db: str, rules: list[dict]) -> dict:
    source = {"type": "csv", "family": "files", "format": "csv", "path": "s3://cf-test-bucket/none/x.csv",
              "options": {}}  # fmt: skip
    return make_plan("early", db, "b_early", source=source, write={}, rules=rules)


@pytest.mark.parametrize(
    ("rules", "expected"),
    [([{"name": "id_not_null", "kind": "not_null", "columns": ["id"], "severity": "abort"}], "NOT_RUN"), ([], "NOT_CONFIGURED")],
    ids=["with rules", "without rules"],
)  # fmt: skip
def test_a_step_failing_before_quality_reports_its_rules_as_not_run(spark, tmp_path, rules, expected):
    db = f"cf_test_early_{len(rules)}"
    drop_databases(spark, db, f"{db}_ops")
    result = run_plan(spark, _failing_plan(db, rules), RunContext.local("early", s3_root=str(tmp_path)),
                      raise_on_failure=False)  # fmt: skip
    assert result.status == "FAILED" and result.quality_status == expected
    runs = spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_runs").collect()
    assert [(r.status, r.quality_status) for r in runs] == [("FAILED", expected)]
    errors = spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_errors").collect()
    assert errors[0].error_message.startswith("SourceError: source path does not exist")


def test_a_cleanup_error_is_added_beside_the_first_error(spark, tmp_path, monkeypatch):
    """The lock release fails after the failure was recorded: the runs row and the first errors row
    keep the run's own error, and the release failure is one more errors row (cleanup:lock_release)."""
    from contractforge_runtime.reliability.lock_sqlite import SqliteLockStore

    def refuse(self, target, run_id):
        raise OSError("lock store unwritable")

    monkeypatch.setattr(SqliteLockStore, "delete", refuse)  # the store fails, not the run's evidence
    db = "cf_test_cleanup"
    drop_databases(spark, db, f"{db}_ops")
    result = run_plan(spark, _failing_plan(db, []), RunContext.local("early", s3_root=str(tmp_path)),
                      raise_on_failure=False)  # fmt: skip
    assert result.status == "FAILED"
    runs = spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_runs").collect()
    assert [r.error_message.split(":")[0] for r in runs] == ["SourceError"]
    errors = spark.table(f"glue_catalog.{db}_ops.ctrl_ingestion_errors").orderBy("error_ts_utc").collect()
    stages = [
        (e.error_type if e.error_type and e.error_type.startswith("cleanup") else "run") for e in errors
    ]
    assert sorted(stages) == ["cleanup:lock_release", "run"]
    assert any(e.error_message.startswith("SourceError: source path does not exist") for e in errors)
    assert any("lock store unwritable" in e.error_message for e in errors)
