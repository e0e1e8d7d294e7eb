"""The small project the crash and race tests run: one bronze step per write mode (append, upsert,
hash diff), each reading new CSV files from its own landing folder (incremental_files: a processed
files ledger), with a quality rule and an additive schema policy, so every stage runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from contractforge.local.staging import put

from tests.compiler.project_factory import write_project

REPO = Path(__file__).resolve().parents[3]
MODES = {"f_append": "append", "f_upsert": "upsert", "f_hash": "hash_diff_upsert"}
EVIDENCE_DB = "cf_fault_ops"
ENVIRONMENT = {
    "name": "test",
    "adapter": "aws",
    "evidence": {"database": EVIDENCE_DB},
    "artifacts": {"uri": "s3://cf-fault-artifacts/project/"},
    "parameters": {"aws": {"region": "us-east-1", "iceberg": {"warehouse": "s3://cf-fault-lake/wh/"}}},
}


def landing(step: str) -> str:
    return f"s3://cf-fault-landing/{step}/"


def target(step: str) -> str:
    return f"glue_catalog.cf_fault_bronze.{step}"


def contract(step: str, mode: str) -> dict:
    contract = {
        "source": {"type": "incremental_files", "path": landing(step), "format": "csv",
                   "options": {"header": True}},
        "target": {"catalog": "cf", "schema": "fault_bronze", "table": step},  # → cf_fault_bronze
        "layer": "bronze",
        "mode": mode,
        "schema_policy": "additive_only",
        "transform": {"cast": {"id": "BIGINT"}},
        "quality_rules": {"not_null": ["id"]},
    }  # fmt: skip
    if mode != "append":
        contract["merge_keys"] = ["id"]
    if mode == "hash_diff_upsert":
        contract["hash_keys"] = ["v"]
    return contract


def write(root: Path) -> Path:
    return write_project(root, {step: contract(step, mode) for step, mode in MODES.items()},
                         environment=ENVIRONMENT)  # fmt: skip


def stage(tmp: Path, s3_root: Path, step: str, name: str, rows: dict[int, str]) -> None:
    folder = tmp / "drops" / step / name
    folder.mkdir(parents=True)
    lines = ["id,v", *(f"{key},{value}" for key, value in sorted(rows.items()))]
    (folder / f"{name}.csv").write_text("\n".join(lines) + "\n")
    put(folder, landing(step), s3_root)


def child(warehouse: Path, project: Path, s3_root: Path, step: str, **env: str) -> subprocess.Popen:
    """The step in its own runner process (fault_child), with hook variables in its environment."""
    paths = [str(REPO / "compiler"), str(REPO / "runtime"), str(REPO)]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), **env}
    command = [sys.executable, "-m", "tests.runtime.reliability.fault_child"]
    return subprocess.Popen(
        [*command, str(warehouse), str(project), str(s3_root), step],
        cwd=REPO, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def outcome(process: subprocess.Popen, timeout: float = 900) -> tuple[int, dict | None, str]:
    out, err = process.communicate(timeout=timeout)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    return process.returncode, json.loads(lines[-1]) if lines else None, out + err


def warehouse_of(spark) -> Path:
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(spark.conf.get("spark.sql.catalog.glue_catalog.warehouse")).path))
