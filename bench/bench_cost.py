"""Cost of operation, measured side by side in one run (issue: pack small steps, cut per-step overhead).

(1) Per-step overhead, one warm local session: a 10-row append step and a 10-row hash-diff step run
    by the product runner vs a hand-written PySpark job doing the same read + write (alternating,
    medians; goal runner / hand-written <= 1.5). Iceberg commits per step are counted from the
    snapshots of every table touched, now and (``--before-rev``) with the runtime of that revision
    in a child process.
(2) Packing, a 5-step diamond with tiny inputs (a → b, c, d → e): one Spark application per step
    (today's per-step Glue layout, simulated as one process per step) vs one packed application
    (``contractforge_runtime.run.pack``): wall and CPU seconds and their ratios; then ``cost estimate``
    DPU-seconds per day for both layouts with the step durations measured here (goal packed <= 0.4x).

Usage: python bench/bench_cost.py [--repeats 5] [--work DIR] [--before-rev 14cb2a7] [--runs-per-day 24]
Prints figures and ratios; asserts nothing (timings are not test material).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "compiler"))
sys.path.insert(0, str(REPO / "runtime"))

DB = "cf_bench_cost"
STEPS = ("a_orders", "b_paid", "c_big", "d_count", "e_summary")


def base_plan(name: str, table: str, source: dict, write: dict, layer: str = "bronze") -> dict:
    return {
        "kind": "contractforge.aws.run_plan",
        "plan_version": 1,
        "framework_version": "bench",
        "project": {"name": "bench_cost", "environment": "aws"},
        "step": {"name": name, "depends_on": [], "expected_result": "success"},
        "contract": {"path": f"{name}.ingestion.yaml", "sha256": "0" * 64},
        "target": {
            "catalog": None,
            "schema": DB,
            "table": table,
            "database": DB,
            "identifier": f"glue_catalog.{DB}.{table}",
            "layer": layer,
            "warehouse": "s3://bench/warehouse/",
            "location": f"s3://bench/warehouse/{DB}.db/",
            "partition_by": [],
            "table_properties": {"format-version": "2"},
        },
        "write": {
            "mode": "scd0_append",
            "merge_keys": [],
            "hash_strategy": "explicit",
            "hash_keys": [],
            "hash_exclude_columns": [],
            "schema_policy": "additive_only",
            **write,
        },
        "source": {"system": "bench", "name": None, **source},
        "preparation": {"cast": {"order_id": "BIGINT", "amount": "DOUBLE"}}
        if source.get("family") == "files"
        else {},
        "quality": {"on_quality_fail": "fail", "rules": []},
        "evidence": {"database": f"{DB}_ops", "location": f"s3://bench/warehouse/{DB}_ops.db/"},
        "run": {
            "idempotency_policy": "always_run",
            "idempotency_key": None,
            "lock_ttl_minutes": 60,
            "dry_run": False,
            "static_ids": dict.fromkeys(("parent_run_id", "run_group_id", "master_job_id", "master_run_id")),
        },
        "metadata": {},
        "secrets": [],
    }


def csv_source(path: str) -> dict:
    return {"type": "csv", "family": "files", "format": "csv", "path": path, "options": {"header": "true"}}


def sql_source(query: str, inputs: list[str]) -> dict:
    return {"type": "sql", "family": "sql", "query": query, "inputs": inputs}


def diamond(landing: str) -> list[tuple[str, dict, tuple[str, ...]]]:
    t = f"glue_catalog.{DB}"
    over = {"mode": "scd0_overwrite"}
    return [
        ("a_orders", base_plan("a_orders", "a_orders", csv_source(f"{landing}/orders.csv"), {}), ()),
        ("b_paid", base_plan("b_paid", "b_paid", sql_source(f"SELECT * FROM {t}.a_orders WHERE amount > 2", [f"{t}.a_orders"]), over, "silver"), ("a_orders",)),
        ("c_big", base_plan("c_big", "c_big", sql_source(f"SELECT max(amount) AS m FROM {t}.a_orders", [f"{t}.a_orders"]), over, "silver"), ("a_orders",)),
        ("d_count", base_plan("d_count", "d_count", sql_source(f"SELECT count(*) AS n FROM {t}.a_orders", [f"{t}.a_orders"]), over, "silver"), ("a_orders",)),
        ("e_summary", base_plan("e_summary", "e_summary", sql_source(
            f"SELECT (SELECT count(*) FROM {t}.b_paid) AS paid, (SELECT m FROM {t}.c_big) AS top, "
            f"(SELECT n FROM {t}.d_count) AS n", [f"{t}.b_paid", f"{t}.c_big", f"{t}.d_count"]), over, "gold"),
         ("b_paid", "c_big", "d_count")),
    ]  # fmt: skip


def write_orders(landing: Path, rows: int, version: int) -> None:
    landing.mkdir(parents=True, exist_ok=True)
    lines = ["order_id,amount,status"] + [f"{i},{(i * 7 + version) % 10}.5,paid" for i in range(rows)]
    (landing / "orders.csv").write_text("\n".join(lines) + "\n")


def commit_count(spark) -> int:
    """Snapshots of every table of the bench's target and evidence databases."""
    total = 0
    for database in (DB, f"{DB}_ops"):
        for row in spark.sql(f"SHOW TABLES IN glue_catalog.{database}").collect():
            total += spark.sql(
                f"SELECT count(*) FROM glue_catalog.{database}.{row.tableName}.snapshots"
            ).first()[0]
    return total


# ---- child processes: one Spark application each ---------------------------------------------------
def child(args) -> int:
    from contractforge.local.spark import get_local_spark
    from contractforge_runtime.environment.context import RunContext

    spark = get_local_spark(Path(args.warehouse), Path(args.warehouse) / "catalog.sqlite")
    payload = json.loads(Path(args.child).read_text())
    s3_root = payload["s3_root"]
    if payload["kind"] == "step":
        from contractforge_runtime.run import run_plan

        before = None
        if payload.get("warm_up"):
            run_plan(spark, payload["plan"], RunContext.local("warm", s3_root=s3_root))
            for path, text in (payload.get("rewrite") or {}).items():
                Path(path).write_text(text)
            before = commit_count(spark)
        result = run_plan(spark, payload["plan"], RunContext.local("bench", s3_root=s3_root))
        out = {"status": result.status, "seconds": result.duration_seconds}
        if before is not None:
            out["commits"] = commit_count(spark) - before
    else:
        from contractforge_runtime.run.pack import PackedStep, run_pack

        steps = [PackedStep(n, p, tuple(d)) for n, p, d in payload["steps"]]
        outcomes = run_pack(spark, steps, lambda s: RunContext.local(s.name, s3_root=s3_root), max_parallel=3)
        out = {"status": [o.status for o in outcomes], "seconds": {o.name: o.seconds for o in outcomes}}
    out["cpu"] = process_cpu_seconds(spark)
    print("BENCH " + json.dumps(out), flush=True)
    spark.stop()
    return 0


def process_cpu_seconds(spark) -> float:
    """CPU seconds of this Python process and of its Spark JVM (read before the JVM stops)."""
    import os

    own = resource.getrusage(resource.RUSAGE_SELF)
    fields = Path(f"/proc/{spark.sparkContext._gateway.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    jvm = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own.ru_utime + own.ru_stime + jvm


def run_child(work: Path, payload: dict, runtime_dir: Path | None = None) -> tuple[dict, float, float]:
    """(child's answer, wall seconds, CPU seconds of the child and its JVM)."""
    path = work / f"payload-{time.monotonic_ns()}.json"
    path.write_text(json.dumps(payload))
    import os

    env = {**os.environ, "PYTHONPATH": f"{REPO / 'compiler'}:{runtime_dir or REPO / 'runtime'}:{REPO}"}
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path), "--warehouse", str(work / "warehouse")],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - began
    answer = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if not answer:
        raise RuntimeError(f"child failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    result = json.loads(answer[-1][6:])
    return result, wall, result["cpu"]


# ---- (1) per-step overhead ----------------------------------------------------------------------------
def overhead(spark, work: Path, repeats: int) -> dict:
    from contractforge_runtime.environment.context import RunContext
    from contractforge_runtime.run import run_plan
    from contractforge_runtime.write.hashing import row_hash_column
    from pyspark.sql import functions as F

    landing = work / "s3" / "bench" / "small"
    hash_write = {"mode": "scd1_hash_diff", "merge_keys": ["order_id"], "hash_keys": ["amount", "status"]}
    plans = {
        "append": base_plan("small_append", "small_append", csv_source("s3://bench/small/orders.csv"), {}),
        "hash_diff": base_plan(
            "small_hash", "small_hash", csv_source("s3://bench/small/orders.csv"), hash_write
        ),
    }
    ctx = lambda: RunContext.local("bench", s3_root=str(work / "s3"))  # noqa: E731

    def hand(kind: str, version: int) -> None:
        df = spark.read.option("header", "true").csv(str(landing / "orders.csv"))
        df = df.select(
            F.col("order_id").cast("BIGINT").alias("order_id"),
            F.col("amount").cast("DOUBLE").alias("amount"),
            "status",
        )
        if kind == "append":
            df.writeTo(f"glue_catalog.{DB}.hand_append").append()
            return
        df = df.withColumn("row_hash", row_hash_column(["amount", "status"]))
        df.createOrReplaceTempView("bench_small")
        spark.sql(f"MERGE INTO glue_catalog.{DB}.hand_hash t USING bench_small s ON t.order_id = s.order_id "
                  "WHEN MATCHED AND t.row_hash <> s.row_hash THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *")  # fmt: skip

    write_orders(landing, 10, 0)
    for kind, plan in plans.items():  # create + warm up both sides
        run_plan(spark, plan, ctx())
        spark.sql(f"CREATE TABLE IF NOT EXISTS glue_catalog.{DB}.hand_{'append' if kind == 'append' else 'hash'} "
                  f"USING iceberg TBLPROPERTIES ('format-version'='2','write.merge.mode'='merge-on-read') "
                  f"AS SELECT * FROM {plan['target']['identifier']}")  # fmt: skip
        hand(kind, 0)
    figures = {}
    for kind, plan in plans.items():
        runner_times, hand_times, commits = [], [], []
        for attempt in range(repeats):
            write_orders(landing, 10, attempt + 1)  # hash diff: every row changes each attempt
            for who in ("runner", "hand") if attempt % 2 == 0 else ("hand", "runner"):
                if who == "runner":
                    before = commit_count(spark)
                    began = time.perf_counter()
                    result = run_plan(spark, plan, ctx())
                    runner_times.append(time.perf_counter() - began)
                    commits.append(commit_count(spark) - before)
                    assert result.status == "SUCCESS", result.error
                else:
                    began = time.perf_counter()
                    hand(kind, attempt + 1)
                    hand_times.append(time.perf_counter() - began)
        runner, handwritten = statistics.median(runner_times), statistics.median(hand_times)
        figures[kind] = {"runner": runner, "hand": handwritten, "commits": statistics.median(commits),
                         "stages": result.stage_durations}  # fmt: skip
        print(f"(1) {kind:9}: runner {runner:.2f}s vs hand-written {handwritten:.2f}s -> ratio "
              f"{runner / handwritten:.2f} (goal <= 1.5); Iceberg commits per step now {statistics.median(commits):g}",
              flush=True)  # fmt: skip
        print(f"    runner stages: {result.stage_durations}", flush=True)
    return figures


def commits_per_step(work: Path, rev: str | None) -> dict:
    """The two steps in a child process with the runtime of ``rev`` (None: this checkout): Iceberg
    commits of the second run (the first creates the tables; the second changes every row)."""
    runtime_dir = None
    if rev:
        runtime_dir = work / f"runtime-{rev}"
        if not runtime_dir.exists():
            runtime_dir.mkdir(parents=True)
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", rev, "runtime"], capture_output=True, check=True
            )
            subprocess.run(["tar", "-x", "-C", str(runtime_dir)], input=archive.stdout, check=True)
    tag = rev or "now"
    landing = work / "s3" / "bench" / f"small_{tag}"
    write_orders(work / "changed_dir", 10, 1)
    changed = (work / "changed_dir" / "orders.csv").read_text()
    counts = {}
    for kind, write in (("append", {}), ("hash_diff", {"mode": "scd1_hash_diff", "merge_keys": ["order_id"],
                                                        "hash_keys": ["amount", "status"]})):  # fmt: skip
        table = f"{kind}_{tag}"
        plan = base_plan(table, table, csv_source(f"s3://bench/small_{tag}/orders.csv"), write)
        write_orders(landing, 10, 0)
        payload = {"kind": "step", "plan": plan, "s3_root": str(work / "s3"), "warm_up": True,
                   "rewrite": {str(landing / "orders.csv"): changed}}  # fmt: skip
        answer, _, _ = run_child(work, payload, runtime_dir / "runtime" if runtime_dir else None)
        counts[kind] = answer.get("commits")
    return counts


# ---- (2) packing ---------------------------------------------------------------------------------------
def packing(work: Path, runs_per_day: float) -> dict:
    write_orders(work / "s3" / "bench" / "diamond", 20, 0)
    steps = diamond("s3://bench/diamond")
    s3_root = str(work / "s3")
    per_step_wall = per_step_cpu = 0.0
    step_seconds = {}
    for name, plan, _ in steps:  # DAG order: one application per step
        answer, wall, cpu = run_child(work, {"kind": "step", "plan": plan, "s3_root": s3_root})
        per_step_wall += wall
        per_step_cpu += cpu
        step_seconds[name] = answer["seconds"]
    answer, packed_wall, packed_cpu = run_child(
        work, {"kind": "pack", "steps": [[n, p, list(d)] for n, p, d in steps], "s3_root": s3_root}
    )
    print(f"(2) 5-step diamond: one process per step {per_step_wall:.1f}s wall / {per_step_cpu:.1f}s CPU vs one "
          f"packed process {packed_wall:.1f}s wall / {packed_cpu:.1f}s CPU -> ratios wall "
          f"{packed_wall / per_step_wall:.2f}, CPU {packed_cpu / per_step_cpu:.2f} (packed / per step)", flush=True)  # fmt: skip
    print(f"    packed step outcomes {answer['status']}; step seconds inside the pack "
          f"{ {k: round(v, 2) for k, v in answer['seconds'].items()} }", flush=True)  # fmt: skip
    return projected(steps, answer["seconds"], runs_per_day)


def projected(steps, measured: dict[str, float], runs_per_day: float) -> dict:
    from contractforge.ops.cost_estimate import estimate
    from contractforge.planner.packing import pack_layout
    from contractforge.project_plan import GlueJobSettings, ProjectPlan, StepPlan

    def project(layout: str) -> ProjectPlan:
        plans = tuple(
            StepPlan(name=n, layer="bronze", depends_on=tuple(d), expected_result="success", status="SUPPORTED",
                     diagnostics=(), contract_path=f"{n}.yaml", target_identifier=p["target"]["identifier"],
                     target_database=DB, glue=GlueJobSettings(name=f"bench-{n}"), run_plan=p)
            for n, p, d in steps
        )  # fmt: skip
        return ProjectPlan(name="bench", root=REPO, environment_key="aws", region="us-east-1",
                           artifacts_uri="s3://b/", warehouse="s3://b/w/", evidence_database=f"{DB}_ops",
                           steps=plans, environment={"parameters": {"aws": {"packing": layout}}})  # fmt: skip

    figures = {}
    for layout in ("none", "project"):
        plan = project(layout)
        result = estimate(plan, pack_layout(plan), measured, runs_per_day)
        figures[layout] = result.per_day(result.dpu_seconds_per_run)
    print(f"    cost estimate ({runs_per_day:g} runs/day, measured step durations, G.1X x2): one job per step "
          f"{figures['none']:.0f} DPU-s/day vs packed {figures['project']:.0f} DPU-s/day -> ratio "
          f"{figures['project'] / figures['none']:.2f} (goal <= 0.4)", flush=True)  # fmt: skip
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--work", default=None)
    parser.add_argument(
        "--before-rev", default="14cb2a7", help="runtime revision to count commits for ('' skips)"
    )
    parser.add_argument("--runs-per-day", type=float, default=24.0)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--warehouse", help=argparse.SUPPRESS)
    parser.add_argument("--skip", default="", help="comma list of parts to skip: overhead,before,packing")
    args = parser.parse_args()
    if args.child:
        return child(args)
    work = Path(args.work or tempfile.mkdtemp(prefix="cf_bench_cost_"))
    skip = set(filter(None, args.skip.split(",")))
    print(f"work dir {work}", flush=True)
    if "overhead" not in skip:
        from contractforge.local.spark import get_local_spark

        spark = get_local_spark(work / "session", work / "session" / "catalog.sqlite")
        overhead(spark, work, args.repeats)
        spark.stop()
    if "before" not in skip and args.before_rev:
        before, now = commits_per_step(work, args.before_rev), commits_per_step(work, None)
        print(f"(1) Iceberg commits per step (child process, second run): runtime of {args.before_rev} "
              f"{before}, this runtime {now}", flush=True)  # fmt: skip
    if "packing" not in skip:
        packing(work, args.runs_per_day)
    return 0


if __name__ == "__main__":
    sys.exit(main())
