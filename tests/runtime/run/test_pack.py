"""Packs on a real local session: DAG order, concurrency, per-step evidence, failures contained."""

from __future__ import annotations

import json

import pytest
from contractforge_runtime.entry import main
from contractforge_runtime.environment.context import RunContext
from contractforge_runtime.run.pack import PackedStep, PackFailed, raise_if_failed, run_pack

from tests.runtime.plan_factory import run_plan as make_plan
from tests.spark_reset import drop_databases

pytestmark = pytest.mark.slow

DB = "cf_test_pack"


def _files_step(name: str, path: str) -> dict:
    return make_plan(
        name,
        DB,
        name,
        source={
            "type": "csv",
            "family": "files",
            "format": "csv",
            "path": path,
            "options": {"header": "true"},
        },
        write={},
    )


def _sql_step(name: str, query: str, inputs: list[str], layer: str = "silver") -> dict:
    return make_plan(
        name,
        DB,
        name,
        source={"type": "sql", "family": "sql", "query": query, "inputs": inputs},
        write={"mode": "scd0_overwrite"},
        layer=layer,
    )


def _diamond(tmp_path) -> list[PackedStep]:
    landing = tmp_path / "s3" / "cf-test-bucket" / "landing"
    landing.mkdir(parents=True)
    (landing / "orders.csv").write_text("order_id,amount\n1,10\n2,20\n3,30\n")
    t = f"glue_catalog.{DB}"
    return [
        PackedStep(
            "d_gold",
            _sql_step(
                "d_gold",
                f"SELECT b.n + c.n AS n FROM {t}.b_big b CROSS JOIN {t}.c_small c",
                [f"{t}.b_big", f"{t}.c_small"],
                "gold",
            ),
            ("b_big", "c_small"),
        ),
        PackedStep("a_orders", _files_step("a_orders", "s3://cf-test-bucket/landing/orders.csv")),
        PackedStep(
            "b_big",
            _sql_step(
                "b_big", f"SELECT count(*) AS n FROM {t}.a_orders WHERE amount > 10", [f"{t}.a_orders"]
            ),
            ("a_orders",),
        ),
        PackedStep(
            "c_small",
            _sql_step("c_small", f"SELECT count(*) AS n FROM {t}.a_orders", [f"{t}.a_orders"]),
            ("a_orders",),
        ),
        PackedStep("e_broken", _files_step("e_broken", "s3://cf-test-bucket/landing/missing.csv")),
        PackedStep("f_after_broken", _sql_step("f_after_broken", "SELECT 1 AS n", []), ("e_broken",)),
    ]


def test_a_pack_runs_its_dag_and_contains_a_failure(spark, tmp_path):
    drop_databases(spark, DB, f"{DB}_ops")
    steps = _diamond(tmp_path)
    ctxs = {s.name: RunContext.local(s.name, s3_root=str(tmp_path / "s3")) for s in steps}
    seen = []
    outcomes = run_pack(spark, steps, lambda s: ctxs[s.name], max_parallel=3, on_outcome=seen.append)
    status = {o.name: o.status for o in outcomes}
    assert status == {
        "d_gold": "SUCCESS",
        "a_orders": "SUCCESS",
        "b_big": "SUCCESS",
        "c_small": "SUCCESS",
        "e_broken": "FAILED",
        "f_after_broken": "NOT_RUN",
    }
    order = [o.name for o in seen]
    assert order.index("a_orders") < order.index("b_big") < order.index("d_gold")
    assert order.index("c_small") < order.index("d_gold")
    assert spark.table(f"glue_catalog.{DB}.d_gold").first().n == 5
    runs = spark.table(f"glue_catalog.{DB}_ops.ctrl_ingestion_runs").collect()
    assert sorted((r.target_table.split(".")[-1], r.status) for r in runs) == [
        ("a_orders", "SUCCESS"),
        ("b_big", "SUCCESS"),
        ("c_small", "SUCCESS"),
        ("d_gold", "SUCCESS"),
        ("e_broken", "FAILED"),
    ]
    assert all(o.seconds > 0 for o in outcomes if o.status != "NOT_RUN")
    with pytest.raises(PackFailed, match="e_broken=FAILED, f_after_broken=NOT_RUN"):
        raise_if_failed("p", outcomes)


def test_the_glue_entry_runs_a_pack_plan(spark, tmp_path, capsys):
    drop_databases(spark, DB, f"{DB}_ops")
    steps = _diamond(tmp_path)[:4]
    folder = tmp_path / "artifacts"
    (folder / "plans").mkdir(parents=True)
    (folder / "packs").mkdir()
    for step in steps:
        (folder / "plans" / f"{step.name}.json").write_text(json.dumps(step.plan))
    pack = {
        "kind": "contractforge.aws.pack_plan",
        "pack_version": 1,
        "pack": "all",
        "max_parallel": 2,
        "steps": [
            {"name": s.name, "plan_uri": f"plans/{s.name}.json", "depends_on": list(s.depends_on)}
            for s in steps
        ],
    }
    (folder / "packs" / "all.json").write_text(json.dumps(pack))
    arguments = [
        "--JOB_NAME",
        "cf-all",
        "--JOB_RUN_ID",
        "jr_1",
        "--CONTRACTFORGE_PLAN_URI",
        str(folder / "packs" / "all.json"),
        "--CONTRACTFORGE_S3_ROOT",
        str(tmp_path / "s3"),
    ]
    assert main(arguments) == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert sorted((p["step"], p["status"]) for p in printed) == sorted((s.name, "SUCCESS") for s in steps)
    run_ids = {r.run_id for r in spark.table(f"glue_catalog.{DB}_ops.ctrl_ingestion_runs").collect()}
    assert run_ids == {f"cf-all:jr_1:{s.name}" for s in steps}
