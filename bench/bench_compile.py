"""Compile a synthetic project of 100 / 500 / 1,000 contracts: time and output size.

Usage: python bench/bench_compile.py [--sizes 100 500 1000] [--goal-seconds 10] [--profile]

Reuses bench_validate_plan.write_project (60% bronze hash-diff contracts with siblings, 30% silver
SQL on bronze, 10% gold aggregates). Each size is timed end to end (load + plan, render, write)
and the output is sized, to show that compile time and output size grow linearly. Goal: the
1,000-contract compile under 10 s on the team machine.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

from contractforge.api import plan_project
from contractforge.render.build import CompileOptions, render_build
from contractforge.render.inputs import load_module_files, load_runtime_files
from contractforge.writer import write_tree

HERE = Path(__file__).resolve().parent


def _write_project():
    spec = importlib.util.spec_from_file_location("bench_validate_plan", HERE / "bench_validate_plan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_project


def measure(count: int, tmp: Path) -> dict[str, float]:
    root = tmp / f"project-{count}"
    _write_project()(root, count)
    out = tmp / f"build-{count}"
    start, cpu_start = time.perf_counter(), time.process_time()
    plan = plan_project(root, "aws")
    planned, cpu_planned = time.perf_counter(), time.process_time()
    tree = render_build(plan, CompileOptions(), load_module_files(), load_runtime_files())
    rendered, cpu_rendered = time.perf_counter(), time.process_time()
    write_tree(tree.files, out)
    written = time.perf_counter()
    main_tf = len(tree.files["main.tf.json"])
    return {
        "contracts": len(plan.steps),
        "plan_s": planned - start,
        "render_s": rendered - planned,
        "write_s": written - rendered,
        "total_s": written - start,
        "cpu_s": time.process_time() - cpu_start,
        "render_cpu_s": cpu_rendered - cpu_planned,
        "files": len(tree.files),
        "bytes": sum(len(c) for c in tree.files.values()),
        "main_tf_bytes": main_tf,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--goal-seconds", type=float, default=10.0)
    parser.add_argument("--profile", action="store_true", help="profile the largest size (25 functions)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="cf-bench-compile-") as tmp:
        for size in args.sizes:
            profiler = cProfile.Profile() if args.profile and size == max(args.sizes) else None
            if profiler:
                profiler.enable()
            rows.append(measure(size, Path(tmp)))
            if profiler:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    print(f"{'contracts':>9} {'plan s':>7} {'render s':>8} {'write s':>7} {'total s':>7} {'cpu s':>6} "
          f"{'render cpu':>10} {'files':>6} {'bytes':>10} {'bytes/contract':>14} {'main.tf.json':>12}")  # fmt: skip
    for row in rows:
        print(
            f"{row['contracts']:>9} {row['plan_s']:>7.2f} {row['render_s']:>8.2f} {row['write_s']:>7.2f} "
            f"{row['total_s']:>7.2f} {row['cpu_s']:>6.2f} {row['render_cpu_s']:>10.2f} {row['files']:>6} {row['bytes']:>10} "
            f"{row['bytes'] / row['contracts']:>14.0f} {row['main_tf_bytes']:>12}"
        )
    first, last = rows[0], rows[-1]
    scale = last["contracts"] / first["contracts"]
    print(
        f"growth {first['contracts']} -> {last['contracts']} contracts (x{scale:.0f}): "
        f"time x{last['total_s'] / first['total_s']:.1f}, bytes x{last['bytes'] / first['bytes']:.1f}, "
        f"main.tf.json x{last['main_tf_bytes'] / first['main_tf_bytes']:.1f}"
    )
    print(
        f"largest: {last['total_s']:.2f} s wall ({last['cpu_s']:.2f} s cpu), goal {args.goal_seconds:.0f} s, "
        f"ratio total/goal = {last['total_s'] / args.goal_seconds:.2f}   load average now: {_load()}"
    )
    return 0 if last["total_s"] <= args.goal_seconds else 1


def _load() -> str:
    try:
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:  # pragma: no cover
        return "n/a"


if __name__ == "__main__":
    sys.exit(main())
