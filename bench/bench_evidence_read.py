"""Local evidence reads: the light reader (Iceberg metadata + DuckDB) against the Spark path, side by side.

Each command runs in a fresh process, as a user runs it, so Python imports and (for Spark) the JVM
start are included: ``contractforge audit --local`` versus ``audit --local --spark``, and
``contractforge report --local``. Wall and CPU (user + sys of the process and the children it waits
for: the report's chart worker is counted; Spark's JVM is not waited for, so not counted) per run.
First each light command with nothing kept in the home (no ``<home>/plans/`` nor
``<home>/charts/``: the first read after an edit of the project or the compiler, or after new runs
changed every chart), ``--repeats`` times, then ``audit --local`` and ``report --local`` once right after
``run --local --steps gold_daily_revenue`` (fresh process, not timed; adds one run to the home): the
plan kept by the run, the charts the new run changed drawn again; then alternating order,
``--repeats`` times each (the plan and the unchanged charts kept). Every line ends with the ratio of
the Spark path's median wall (``audit --local --spark``) to that line's median wall.

Usage: python bench/bench_evidence_read.py [--home DIR] [--repeats 2]
Without --home, the orders-medallion example is run locally first (wave 1, wave 2 with a quarantine,
wave 3 failing) into a temporary home. Prints the figures and the ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "compiler"))
sys.path.insert(0, str(ROOT / "runtime"))
EXAMPLE = ROOT / "examples" / "orders-medallion"
LANDING = "s3://orders-medallion-lake-us-east-1/landing/orders/"


def make_home(home: Path) -> None:
    from contractforge.local.runner import run_project_locally
    from contractforge.local.spark import get_local_spark
    from contractforge.local.staging import put

    spark = get_local_spark(home / "warehouse", home / "iceberg_catalog.sqlite")
    s3_root = home / "s3"
    put(EXAMPLE / "data" / "orders" / "wave1", LANDING, s3_root)
    run_project_locally(EXAMPLE, s3_root=s3_root, spark=spark, home=home, out=io.StringIO())
    put(EXAMPLE / "data" / "orders" / "wave2", LANDING, s3_root)
    run_project_locally(
        EXAMPLE, steps=["bronze_orders"], s3_root=s3_root, spark=spark, home=home, out=io.StringIO()
    )
    wave3 = home / "wave3"
    wave3.mkdir(exist_ok=True)
    (wave3 / "orders.csv").write_text(  # no currency column: the run fails in preparation
        "order_id,customer_id,order_ts,order_status,amount,updated_at\n5009,c-108,2026-01-03,paid,1,2026-01-03\n"
    )
    put(wave3, LANDING, s3_root)
    run_project_locally(
        EXAMPLE, steps=["bronze_orders"], s3_root=s3_root, spark=spark, home=home, out=io.StringIO()
    )
    spark.stop()


def timed(args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one CLI run in a fresh process."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "compiler"), str(ROOT / "runtime"), str(ROOT)]),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "contractforge.cli.main", *args], env=env, capture_output=True
    )
    elapsed = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}:\n{done.stderr.decode()[-2000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def line(name: str, runs: list[tuple[float, float]], spark_wall: float) -> str:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    return (
        f"{name:44s} wall median {statistics.median(walls):6.2f} s  CPU median {statistics.median(cpus):6.2f} s"
        f"  Spark/this {spark_wall / statistics.median(walls):5.1f}x  runs {', '.join(f'{w:.2f}/{c:.2f}' for w, c in runs)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", help="a local home with evidence (default: make one)")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cf-bench-evidence-"))
    home = Path(args.home) if args.home else work / "home"
    if not args.home:
        print(f"running orders-medallion locally into {home} ...", flush=True)
        make_home(home)
    common = [str(EXAMPLE), "--local", "--home", str(home)]
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    if sys.flags.dont_write_bytecode or os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("PYTHONDONTWRITEBYTECODE is set: every command compiles the modules it imports from source")
    commands = {
        "audit --local (light reader)": ["audit", *common, "--json"],
        "report --local (light reader)": ["report", *common, "--out", str(work / "report.html")],
        "audit --local --spark": ["audit", *common, "--json", "--spark"],
    }
    first: dict[str, list[tuple[float, float]]] = {}
    for _ in range(args.repeats):
        for name in ("audit --local (light reader)", "report --local (light reader)"):
            for kept in ("plans", "charts"):
                shutil.rmtree(home / kept, ignore_errors=True)
            first.setdefault(name.replace("(light reader)", "nothing kept"), []).append(timed(commands[name]))
    shutil.rmtree(home / "plans", ignore_errors=True)  # the plan the report finds is the one the run kept
    timed(["run", *common, "--steps", "gold_daily_revenue", "--s3-root", str(home / "s3")])
    first["audit --local first after a run"] = [timed(commands["audit --local (light reader)"])]
    first["report --local first after a run"] = [timed(commands["report --local (light reader)"])]
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.repeats):
        for name, command in commands.items():
            times[name].append(timed(command))
    heavy = statistics.median(w for w, _ in times["audit --local --spark"])
    for name, runs in {**first, **times}.items():
        print(line(name, runs, heavy))
    light = statistics.median(w for w, _ in times["audit --local (light reader)"])
    print(f"audit, Spark path / light reader (wall): {heavy / light:.1f}x")
    print(f"load average after the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
