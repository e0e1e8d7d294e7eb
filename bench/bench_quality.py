"""Quality evaluation benchmark: quality.evaluate (one flagged pass) versus one Spark job per rule.

Both sides evaluate the same 8 rules (4 not_null, accepted_values, expression, unique_key,
max_null_ratio) on the same parquet input and materialise the same things: per-rule failure
counts, the valid rows (count) and the quarantined rows (count). Alternating order, same session;
the input is cached first, as run_plan persists the prepared frame before quality.

Usage: python bench/bench_quality.py [--rows 500000] [--repeats 2] [--work DIR]
Prints the figures and the ratio; asserts nothing (timings are not test material).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "compiler"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runtime"))

from contractforge.local.spark import get_local_spark  # noqa: E402
from contractforge_runtime.checks import quality  # noqa: E402

RULES = [
    *[
        {"name": f"{c}_not_null", "kind": "not_null", "columns": [c], "severity": "quarantine"}
        for c in ("order_id", "customer_id", "order_ts", "status")
    ],
    {
        "name": "status_accepted_values",
        "kind": "accepted_values",
        "columns": ["status"],
        "values": ["paid", "cancelled", "refunded"],
        "severity": "quarantine",
    },
    {
        "name": "non_negative_amount",
        "kind": "expression",
        "expression": "amount >= 0",
        "severity": "quarantine",
    },
    {"name": "unique_key", "kind": "unique_key", "columns": ["order_id"], "severity": "warn"},
    {
        "name": "amount_nulls",
        "kind": "max_null_ratio",
        "columns": ["amount"],
        "value": 0.1,
        "severity": "warn",
    },
]


def write_input(spark, path: str, rows: int) -> None:
    spark.range(rows).selectExpr(
        "id AS order_id",
        "CASE WHEN id % 997 = 0 THEN NULL ELSE concat('C', id % 5000) END AS customer_id",
        "timestamp_seconds(1780000000 + id) AS order_ts",
        "CASE WHEN id % 101 = 0 THEN 'unknown' WHEN id % 3 = 0 THEN 'cancelled' ELSE 'paid' END AS status",
        "CASE WHEN id % 499 = 0 THEN -1.0 WHEN id % 50 = 0 THEN NULL ELSE id / 100.0 END AS amount",
    ).write.mode("overwrite").parquet(path)


def one_pass(df) -> tuple[int, int]:
    outcome = quality.evaluate(df, RULES, "quarantine", record_keys=["order_id"])
    valid, quarantined = outcome.valid_df.count(), outcome.quarantine_df.count()
    outcome.release()
    return valid, quarantined


def job_per_rule(df) -> tuple[int, int]:
    from pyspark.sql import functions as F

    failing = []
    for rule in RULES:
        if rule["kind"] == "not_null":
            condition = F.col(rule["columns"][0]).isNull()
        elif rule["kind"] == "accepted_values":
            condition = F.col("status").isNotNull() & ~F.col("status").isin(rule["values"])
        elif rule["kind"] == "expression":
            condition = F.coalesce(~F.expr(rule["expression"]), F.lit(True))
        elif rule["kind"] == "unique_key":
            df.groupBy("order_id").count().filter("count > 1").count()
            continue
        else:
            df.filter(F.col("amount").isNull()).count()
            df.count()
            continue
        df.filter(condition).count()
        failing.append(condition)
    any_failure = failing[0]
    for condition in failing[1:]:
        any_failure = any_failure | condition
    return df.filter(~any_failure).count(), df.filter(any_failure).count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="cf_bench_quality_"))
    spark = get_local_spark(work / "warehouse", driver_memory="2g")
    data = str(work / "orders.parquet")
    write_input(spark, data, args.rows)
    df = spark.read.parquet(data).cache()  # run_plan persists the prepared frame before quality
    df.count()
    one_pass(df)  # warm-up (JIT, file listing)
    times: dict[str, list[float]] = {"one_pass": [], "job_per_rule": []}
    results = {}
    for repeat in range(args.repeats):
        order = ("one_pass", "job_per_rule") if repeat % 2 == 0 else ("job_per_rule", "one_pass")
        for name in order:
            began = time.perf_counter()
            results[name] = (one_pass if name == "one_pass" else job_per_rule)(df)
            times[name].append(time.perf_counter() - began)
    assert results["one_pass"] == results["job_per_rule"], results
    one, per_rule = statistics.median(times["one_pass"]), statistics.median(times["job_per_rule"])
    print(f"rows={args.rows} rules={len(RULES)} valid/quarantined={results['one_pass']}")
    print(f"quality.evaluate (one pass):  {one:6.2f} s (median of {args.repeats})")
    print(f"one Spark job per rule:       {per_rule:6.2f} s")
    print(f"ratio per-rule / one-pass:    {per_rule / one:6.2f}x")
    spark.stop()


if __name__ == "__main__":
    main()
