"""A hundred sequential local runs of examples/orders-medallion: how many end in an engine error?

Usage: python bench/loop_local_runs.py [--iterations 100] [--lock /tmp/contractforge-bench.lock] [--home DIR]

One embedded Spark + Iceberg session (SQLite JDBC catalog) in a fresh home, one process, no other
writer: what a scheduled local pipeline does. Iteration ``i`` drops one new order file into the
landing folder (the wave-1 orders with ids shifted by ``i``, every fourth one re-sending the
previous ids with a new status), then runs the three steps (bronze hash diff, silver upsert, gold
overwrite), so every step reads, writes and appends evidence each time.

An *engine error* is a FAILED step whose error is not the data's fault: a catalog busy / SQLITE_BUSY,
a Py4J or Java error. Any other FAILED step is counted apart (it would be a real regression too).
With ``--lock`` the file is flock'ed around each iteration, so other Spark users interleave.
Prints one line per iteration and a summary: runs, steps, engine errors (goal: 0), other failures,
median seconds per iteration.
"""

from __future__ import annotations

import argparse
import fcntl
import io
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for path in (REPO / "compiler", REPO / "runtime", REPO):
    sys.path.insert(0, str(path))

from contractforge.local.runner import run_project_locally  # noqa: E402
from contractforge.local.spark import get_local_spark  # noqa: E402

PROJECT = REPO / "examples" / "orders-medallion"
LANDING = ("orders-medallion-lake-us-east-1", "landing", "orders")
WAVE1 = PROJECT / "data" / "orders" / "wave1" / "orders_2026_01_01.csv"
ENGINE_MARKERS = ("SQLITE_BUSY", "catalog busy", "Py4J", "py4j", "java.", "An error occurred while calling")


def engine_error(message: str | None) -> bool:
    text = message or ""
    return any(marker in text for marker in ENGINE_MARKERS)


def order_file(iteration: int) -> str:
    """The wave-1 orders, ids shifted by 100 per iteration; every fourth iteration re-sends the
    previous iteration's ids with status 'shipped' (updates for the hash diff and the upsert)."""
    lines = WAVE1.read_text().splitlines()
    header, rows = lines[0], lines[1:]
    resend = iteration % 4 == 3
    shift = 100 * (iteration - 1 if resend else iteration)
    out = [header]
    for row in rows:
        fields = row.split(",")
        fields[0] = str(int(fields[0]) + shift)
        if resend:
            fields[3] = "shipped"
        out.append(",".join(fields))
    return "\n".join(out) + "\n"


@contextmanager
def flocked(path: str | None):
    if not path:
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument(
        "--lock", help="flock this file around each iteration (e.g. /tmp/contractforge-bench.lock)"
    )
    parser.add_argument("--home", help="local home (default: a new temporary directory)")
    args = parser.parse_args()
    home = Path(args.home or tempfile.mkdtemp(prefix="cf-loop-"))
    s3_root = home / "s3"
    landing = s3_root.joinpath(*LANDING)
    landing.mkdir(parents=True, exist_ok=True)
    spark = get_local_spark(home / "warehouse", home / "iceberg_catalog.sqlite")
    engine, other, steps, seconds = [], [], 0, []
    for iteration in range(args.iterations):
        (landing / f"orders_loop_{iteration:04d}.csv").write_text(order_file(iteration))
        with flocked(args.lock):
            began = time.perf_counter()
            outcomes = run_project_locally(
                PROJECT, s3_root=s3_root, home=home, spark=spark, out=io.StringIO()
            )
            seconds.append(time.perf_counter() - began)
        steps += len(outcomes)
        failed = [o for o in outcomes if o.status not in ("SUCCESS", "SKIPPED")]
        for outcome in failed:
            bucket = engine if engine_error(outcome.error_message) else other
            bucket.append((iteration, outcome.name, outcome.status, (outcome.error_message or "")[:300]))
        states = " ".join(f"{o.name}={o.status}" for o in outcomes)
        print(f"iteration {iteration + 1}/{args.iterations} {seconds[-1]:.1f}s {states}", flush=True)
    print(
        f"runs={args.iterations} steps={steps} engine_errors={len(engine)} other_failures={len(other)} "
        f"median_s_per_run={statistics.median(seconds):.1f}"
    )
    for item in engine + other:
        print("  ", *item)
    return 1 if engine or other else 0


if __name__ == "__main__":
    sys.exit(main())
