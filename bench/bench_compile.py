"""compile versus the original contractforge-aws 0.2.0, side by side in one run (ratios).

Usage:
    flock /tmp/contractforge-bench.lock python bench/bench_compile.py [--sizes 1000] [--big 5000] [--terraform]
                                  [--original /tmp/cf020/bin/contractforge-aws]

The original is installed on first use: when ``--original`` is absent, the bench creates the
throwaway venv beside it (``python3 -m venv``) and ``pip install contractforge-aws==0.2.0`` into it.

Projects are clones of the s3-file-medallion reference project's bundles (bench/medallion_projects.py;
skipped when ../shared is absent): ``flat`` (independent bronze → silver pairs) and ``chain``
(silver i also depends on silver i−1). Ours: ``contractforge compile P --out D`` (a fresh
process, this checkout's code); the original: ``contractforge-aws deploy-project project.yaml
--dry-run --render-orchestration --summary-only``. Every command runs in its own process; wall
time, CPU time (user+sys of that process: steady when other jobs load the machine) and peak RSS
come from os.wait4; each line also shows the user part of the CPU time and its ratio (the kernel
part, mostly creating files, moves with the disk's load). Goals (issue 14): flat 1,000 ≤ 0.10× the
original, chain 1,000 ≤ 0.05×, 5,000 flat per-contract ≤ 1.1× that at 1,000 and ≤ 200 MB, ``--version`` ≤ 0.15 s, ``compile
--check`` of s3-file-medallion ≤ 0.5× the original's dry run. After each flat compile the bench also
writes the same files again with bare os calls: that CPU (mostly kernel time, which moves with the
disk's load) is a floor no compile that writes the tree can go under, while the original writes nothing.
Our commands read this checkout's bytecode from a cache in the bench's temporary directory
(``PYTHONPYCACHEPREFIX``, filled by a warm-up compile), as an installed package would: pip compiled
the original's at install. ``--terraform`` also runs ``terraform
init`` + ``validate`` (real provider, offline mirror) on the biggest root (slow: minutes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from medallion_projects import REFERENCE, available, write_medallion_project  # noqa: E402

DEFAULT_ORIGINAL = "/tmp/cf020/bin/contractforge-aws"
ORIGINAL_REQUIREMENT = "contractforge-aws==0.2.0"
VALIDATE_TIMEOUT = 4 * 3600  # terraform validate of a 5,000-step root
OURS = [sys.executable, "-m", "contractforge.cli.main"]


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float
    code: int
    stderr: str
    user: float = 0.0  # of cpu: the rest is kernel time (file creation moves with the disk's load)


BYTECODE: list[Path] = []  # the bytecode cache of our commands (set by main, in its temporary directory)


def run(command: list[str], cwd: Path | None = None) -> Run:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO / "compiler"), str(REPO / "runtime"), str(REPO)]),
    }
    if BYTECODE and command[: len(OURS)] == OURS:
        # an installed package has its bytecode compiled (pip compiles the original's at install, even
        # under PYTHONDONTWRITEBYTECODE): ours reads this checkout's from a cache the warm-up run fills
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(BYTECODE[0])
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, usage.ru_maxrss / 1024, process.returncode, stderr, usage.ru_utime)


def best(command: list[str], times: int, cwd: Path | None = None) -> Run:
    runs = [run(command, cwd) for _ in range(times)]
    failed = [r for r in runs if r.code != 0]
    if failed:
        raise SystemExit(f"{' '.join(command)} failed:\n{failed[0].stderr[-2000:]}")
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        max(r.peak_mb for r in runs),
        runs[0].code,
        runs[-1].stderr,
        statistics.median(r.user for r in runs),
    )


def ensure_original(binary: Path) -> str | None:
    """``binary`` (…/bin/contractforge-aws), installed into its venv from the package index when absent."""
    if binary.is_file():
        return str(binary)
    venv = binary.parent.parent
    print(f"installing {ORIGINAL_REQUIREMENT} into {venv} (throwaway venv) …", flush=True)
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", ORIGINAL_REQUIREMENT],
    ]
    for command in steps:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{' '.join(command)} failed:\n{(done.stderr or done.stdout)[-2000:]}")
            return None
    return str(binary) if binary.is_file() else None


def original_dry_run(original: str, project: Path) -> list[str]:
    return [
        original,
        "deploy-project",
        str(project / "project.yaml"),
        "--dry-run",
        "--render-orchestration",
        "--summary-only",
    ]


def line(label: str, ours: Run, theirs: Run | None, goal: float | None = None) -> str:
    text = f"{label:<34} ours {ours.wall:7.2f} s wall {ours.cpu:7.2f} s cpu (user {ours.user:5.2f}) {ours.peak_mb:6.0f} MB"
    if theirs is not None:
        text += (
            f" | original {theirs.wall:7.2f} s wall {theirs.cpu:7.2f} s cpu (user {theirs.user:5.2f}) {theirs.peak_mb:6.0f} MB"
            f" | ratio cpu {ours.cpu / theirs.cpu:5.3f} (user {ours.user / theirs.user:5.3f})"
            f" wall {ours.wall / theirs.wall:5.3f}"
        )
        if goal is not None:
            text += f" (goal ≤ {goal:.2f}: {'met' if ours.cpu / theirs.cpu <= goal else 'NOT met'} on cpu)"
    return text


def budget(stderr: str) -> str:
    return next((row for row in stderr.splitlines() if row.startswith("Step Functions:")), "(no budget line)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument(
        "--big", type=int, default=5000, help="flat project for per-contract scaling and memory (0: skip)"
    )
    parser.add_argument("--original", default=DEFAULT_ORIGINAL)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the small commands (median)")
    parser.add_argument("--terraform", action="store_true", help="terraform init + validate the biggest root")
    args = parser.parse_args(argv)
    if not available():
        print(f"skipped: {REFERENCE} is absent (the reference projects live in ../shared)")
        return 0
    original = ensure_original(Path(args.original))
    if original is None:
        print(f"original not found at {args.original} and could not be installed: ours only")
    print(f"load average at start: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="cf-bench-compile-") as tmp:
        work = Path(tmp)
        BYTECODE[:] = [work / "bytecode"]
        small_out = work / "small"
        run([*OURS, "compile", str(REFERENCE), "--out", str(small_out)])  # warm-up: fills the bytecode cache
        print(
            f"our commands read this checkout's bytecode from a cache filled by a warm-up compile "
            f"(PYTHONPYCACHEPREFIX; the original's was compiled by pip at install){_bytecode_note()}"
        )
        version = best([*OURS, "--version"], args.repeat * 2)
        theirs_version = best([original, "--help"], args.repeat) if original else None
        print(line("--version (original: --help)", version, theirs_version))
        bare = best([sys.executable, "-c", "pass"], args.repeat * 2)
        print(
            f"{'':<34} --version {version.wall:.3f} s wall, {version.cpu:.3f} s cpu (goal ≤ 0.15 s); "
            f"the interpreter alone (python -c pass) {bare.wall:.3f} s wall, {bare.cpu:.3f} s cpu"
        )
        check = best([*OURS, "compile", str(REFERENCE), "--out", str(small_out), "--check"], args.repeat)
        theirs_small = (
            best(original_dry_run(original, REFERENCE), args.repeat, REFERENCE) if original else None
        )
        print(line("s3-file-medallion compile --check", check, theirs_small, 0.5))
        per_contract: dict[int, float] = {}
        for size in args.sizes:
            for shape, goal in (("flat", 0.10), ("chain", 0.05)):
                project = write_medallion_project(work / f"{shape}-{size}", size, shape)
                ours = best([*OURS, "compile", str(project), "--out", str(work / f"out-{shape}-{size}")], 1)
                theirs = best(original_dry_run(original, project), 1, project) if original else None
                print(line(f"{shape} {size:,} contracts compile", ours, theirs, goal))
                print(f"{'':<34} {budget(ours.stderr)}")
                if shape == "flat":
                    print(f"{'':<34} {write_floor(work / f'out-{shape}-{size}', work / f'floor-{size}')}")
                if shape == "flat":
                    per_contract[size] = ours.cpu / size
        if args.big:
            project = write_medallion_project(work / f"flat-{args.big}", args.big, "flat")
            big_out = work / f"out-flat-{args.big}"
            ours = best([*OURS, "compile", str(project), "--out", str(big_out)], 1)
            print(line(f"flat {args.big:,} contracts compile", ours, None))
            print(f"{'':<34} {budget(ours.stderr)}")
            base = per_contract.get(min(args.sizes))
            if base:
                print(
                    f"{'':<34} per contract {ours.cpu / args.big * 1000:.2f} ms cpu vs {base * 1000:.2f} ms at "
                    f"{min(args.sizes):,}: x{ours.cpu / args.big / base:.2f} (goal ≤ 1.10); peak {ours.peak_mb:.0f} MB "
                    "(goal ≤ 200)"
                )
            if args.terraform:
                validate(big_out)
    return 0


def _bytecode_note() -> str:
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return "; PYTHONDONTWRITEBYTECODE is set here, so without the cache every run compiled ~125 modules"
    return ""


def write_floor(tree: Path, copy: Path) -> str:
    """CPU of writing the files of ``tree`` again with bare os calls (one makedirs per directory, open,
    write, close): what any compile that writes this tree pays on this disk, whatever its language
    (file creation is kernel time, and it varies with the disk's load)."""
    files = [(p.relative_to(tree), p.read_bytes()) for p in sorted(tree.rglob("*")) if p.is_file()]
    before, made = os.times(), set()
    for relative, content in files:
        target = copy / relative
        if target.parent not in made:
            os.makedirs(target.parent, exist_ok=True)
            made.add(target.parent)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        os.write(descriptor, content)
        os.close(descriptor)
    after = os.times()
    user, system = after.user - before.user, after.system - before.system
    return (
        f"writing its {len(files):,} files with bare os calls: {user + system:.2f} s cpu "
        f"(user {user:.2f}, sys {system:.2f}), the floor of writing this tree on this disk now"
    )


def validate(root: Path) -> None:
    from tests.terraform.tf_cli import Terraform, find_mirror, find_terraform

    binary, mirror = find_terraform(), find_mirror()
    if binary is None or mirror is None:
        print("terraform or the provider mirror is absent: validate skipped")
        return
    terraform = Terraform.offline(binary, mirror, Path(tempfile.mkdtemp(prefix="cf-bench-tf-")))
    start = time.perf_counter()
    terraform.run(root, "init", "-backend=false", "-input=false", timeout=VALIDATE_TIMEOUT)
    initialised = time.perf_counter()
    result = terraform.run(root, "validate", timeout=VALIDATE_TIMEOUT)  # ~0.5 s a step: long
    done = time.perf_counter()
    sizes = sorted(p.stat().st_size for p in (root / "artifacts" / "orchestration").glob("*.json"))
    print(
        f"terraform validate of {root.name}: {result.stdout.strip().splitlines()[-1]} "
        f"(init {initialised - start:.0f} s, validate {done - initialised:.0f} s); "
        f"{len(sizes)} state machine definitions, largest {sizes[-1]:,} bytes (limit 1,048,576)"
    )


if __name__ == "__main__":
    sys.exit(main())
