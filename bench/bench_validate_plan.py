"""Validate + plan a synthetic project of N contracts (default 1,000) and report the time.

Usage: python bench/bench_validate_plan.py [--contracts 1000] [--profile]

The project mixes what real projects hold: bronze incremental CSV hash-diff contracts with
annotations and operations siblings, silver SQL contracts reading bronze through
``{{ table_ref }}``, and gold overwrite aggregates. Goal: < 3 s in total on the team machine.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

from contractforge.api import load_project
from contractforge.planner import plan_loaded_project

ENVIRONMENT = """\
name: bench
adapter: aws
evidence: {database: bench_ops}
artifacts: {uri: s3://bench-artifacts/contractforge/}
parameters:
  aws:
    region: us-east-1
    iceberg: {warehouse: s3://bench-lake/warehouse/}
    glue_job: {worker_type: G.1X, number_of_workers: 2, timeout_minutes: 30}
"""
BRONZE = """\
source:
  type: incremental_files
  system: bench_drop
  path: s3://bench-landing/t{i}/
  format: csv
  options: {{header: true}}
target: {{catalog: bench, schema: sales_bronze, table: b_t{i}}}
layer: bronze
mode: hash_diff_upsert
merge_keys: [id]
hash_keys: [customer_id, status, amount, updated_at]
schema_policy: additive_only
on_quality_fail: quarantine
transform:
  cast: {{id: BIGINT, amount: "DECIMAL(12,2)"}}
  standardize:
    status: {{trim: true, lower: true}}
  derive:
    loaded_at_utc: CURRENT_TIMESTAMP()
quality_rules:
  not_null: [id, customer_id]
  accepted_values: {{status: [open, paid, void]}}
  expressions:
    - {{name: non_negative_amount, expression: amount >= 0, severity: quarantine}}
"""
ANNOTATIONS = """\
table:
  description: Bench table {i}.
  tags: {{domain: sales}}
columns:
  customer_id:
    description: Customer.
    pii: {{enabled: true, type: other, sensitivity: internal}}
"""
OPERATIONS = """\
criticality: medium
expected_frequency: daily
freshness_sla_minutes: 1440
ownership: {{business_owner: sales, technical_owner: data-platform}}
"""
SILVER = """\
source:
  type: sql
  query: |
    SELECT id, customer_id, status, amount FROM {{{{ table_ref:bronze.b_t{j} }}}} WHERE amount > 0
target: {{catalog: bench, schema: sales_silver, table: s_t{i}}}
layer: silver
mode: upsert
merge_keys: [id]
"""
GOLD = """\
source:
  type: sql
  query: SELECT status, SUM(amount) AS amount FROM {{{{ table_ref:silver.s_t{j} }}}} GROUP BY status
target: {{catalog: bench, schema: sales_gold, table: g_t{i}}}
layer: gold
mode: overwrite
quality_rules: {{not_null: [status], min_rows: 1}}
"""


def write_project(root: Path, count: int) -> None:
    """60% bronze (with siblings), 30% silver on bronze, 10% gold on silver."""
    (root / "environments").mkdir(parents=True)
    (root / "environments" / "aws.environment.yaml").write_text(ENVIRONMENT)
    bronze_n = max(1, count * 6 // 10)
    silver_n = max(1, count * 3 // 10) if count > 1 else 0
    gold_n = count - bronze_n - silver_n
    lines = [
        "name: bench_project",
        "environments: {aws: environments/aws.environment.yaml}",
        "execution_order:",
    ]

    def add(name: str, layer: str, body: str, depends: str | None, siblings: bool) -> None:
        folder = root / "contracts" / "aws" / layer / name
        folder.mkdir(parents=True)
        (folder / f"{name}.ingestion.yaml").write_text(body)
        if siblings:
            i = name.rsplit("t", 1)[1]
            (folder / f"{name}.annotations.yaml").write_text(ANNOTATIONS.format(i=i))
            (folder / f"{name}.operations.yaml").write_text(OPERATIONS.format(i=i))
        lines.append(f"  - name: {name}")
        lines.append(f"    contracts: {{aws: contracts/aws/{layer}/{name}/{name}.ingestion.yaml}}")
        if depends:
            lines.append(f"    depends_on: [{depends}]")

    for i in range(bronze_n):
        add(f"b_t{i}", "bronze", BRONZE.format(i=i), None, True)
    for i in range(silver_n):
        add(f"s_t{i}", "silver", SILVER.format(i=i, j=i % bronze_n), f"b_t{i % bronze_n}", False)
    for i in range(gold_n):
        add(f"g_t{i}", "gold", GOLD.format(i=i, j=i % silver_n), f"s_t{i % silver_n}", False)
    (root / "project.yaml").write_text("\n".join(lines) + "\n")


def measure(root: Path) -> tuple[float, float, float, float, int]:
    """Wall and CPU seconds of validate and of plan (CPU time is less sensitive to a busy machine)."""
    cpu_start, start = time.process_time(), time.perf_counter()
    loaded = load_project(root)
    cpu_loaded, loaded_at = time.process_time(), time.perf_counter()
    plan = plan_loaded_project(loaded)
    cpu_planned, planned_at = time.process_time(), time.perf_counter()
    assert not plan.has_blockers, "the synthetic project must plan runnable"
    return (
        loaded_at - start,
        planned_at - loaded_at,
        cpu_loaded - cpu_start,
        cpu_planned - cpu_loaded,
        len(plan.steps),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--goal-seconds", type=float, default=3.0)
    parser.add_argument("--profile", action="store_true", help="print the 25 most expensive functions")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cf-bench-") as tmp:
        root = Path(tmp) / "project"
        write_project(root, args.contracts)
        files = sum(1 for _ in root.rglob("*.yaml"))
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
        validate_s, plan_s, validate_cpu, plan_cpu, steps = measure(root)
        if args.profile:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    total = validate_s + plan_s
    print(f"contracts: {steps} ({files} YAML files)")
    for label, wall, cpu in (
        ("validate (load + model validation)", validate_s, validate_cpu),
        ("plan (semantic + planner + run plans)", plan_s, plan_cpu),
        ("total", total, validate_cpu + plan_cpu),
    ):
        print(f"{label:40s} wall {wall:6.3f} s ({wall / steps * 1000:5.2f} ms/contract)  cpu {cpu:6.3f} s")
    print(f"goal {args.goal_seconds:.1f} s: wall/goal = {total / args.goal_seconds:.2f}, "
          f"cpu/goal = {(validate_cpu + plan_cpu) / args.goal_seconds:.2f}; load average {_load()}")  # fmt: skip
    return 0 if total <= args.goal_seconds else 1


def _load() -> str:
    try:
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


if __name__ == "__main__":
    sys.exit(main())
