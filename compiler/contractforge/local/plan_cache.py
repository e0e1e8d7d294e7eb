"""The plan of a project, kept in the local home between commands (``run`` / ``audit`` / ``report`` /
``sql --local``).

Planning imports the whole compiler (pydantic models, loader, validation with sqlglot) and validates
every contract: about two seconds before a local evidence command reads anything. A plan depends only
on the files the loader reads, the compiler and the options (project path as given, working directory,
environment key), so the first command plans and keeps the plan in ``<home>/plans/`` with a record
of those inputs (compile_record's: sha256 of every file read, the listing of their directories, the
compiler digest). A later command uses the kept plan only when the whole record still holds; any
difference (an edited contract, a new file next to one, another compiler) plans again. Invalid input
is never kept: its error is raised as ``plan_project`` raises it.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path

from contractforge.compile_record import inputs_record, inputs_unchanged
from contractforge.local.home_files import write_whole
from contractforge.project_plan import ProjectPlan

DIRECTORY = "plans"


def cached_plan(path: str | Path, env: str, home: str | Path, create_home: bool = False) -> ProjectPlan:
    """``plan_project(path, env)``, from ``home``'s kept plan when its inputs are unchanged. A home that
    does not exist is created to keep the plan only with ``create_home`` (``run --local`` makes it anyway)."""
    options = {"path": str(path), "cwd": os.getcwd(), "env": env}
    stem = hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()[:24]
    record_file = Path(home) / DIRECTORY / f"{stem}.json"
    plan_file = record_file.with_suffix(".pickle")
    kept = _kept(record_file, plan_file, options)
    if kept is not None:
        return kept
    from contractforge.api import plan_project
    from contractforge.loader.yaml_source import recording_reads

    with recording_reads() as inputs:
        plan = plan_project(path, env)
    if create_home:
        Path(home).mkdir(parents=True, exist_ok=True)
    if Path(home).is_dir():  # the evidence commands do not create a home to keep a plan in
        _keep(record_file, plan_file, inputs_record(options, inputs), plan)
    return plan


def _kept(record_file: Path, plan_file: Path, options: dict[str, str]) -> ProjectPlan | None:
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
        if not inputs_unchanged(record, options) or record.get("plan_sha256") != _sha(plan_file.read_bytes()):
            return None
        plan = pickle.loads(plan_file.read_bytes())  # written by _keep below, its digest just checked
    except (OSError, ValueError, pickle.UnpicklingError, AttributeError, ImportError):
        return None  # absent, half-written or from another version of the classes: plan again
    return plan if isinstance(plan, ProjectPlan) else None


def _keep(record_file: Path, plan_file: Path, record: dict, plan: ProjectPlan) -> None:
    """Write the plan, then its record (each through a temporary file), so a reader never pairs a
    record with another plan; a home that cannot be written to only loses the shortcut."""
    content = pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        record_file.parent.mkdir(exist_ok=True)
        write_whole(plan_file, content)
        write_whole(
            record_file, json.dumps({**record, "plan_sha256": _sha(content)}, sort_keys=True).encode()
        )
    except OSError:
        pass


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
