"""The public library API: validate, plan, compile. The CLI, ``ops`` and ``local`` are thin
layers over it; nothing below it imports it.

The pipeline runs one way: ``loader`` (YAML → frozen models) → ``validation`` (semantic
problems) → ``planner`` (``ProjectPlan`` with run plans) → ``render`` (pure: plan → build tree)
→ ``writer`` (the only module that writes it). Every function raises ``ContractForgeError``
(exit code 2, located problems) for bad input and never prints.
"""

from __future__ import annotations

import fnmatch
import gc
import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from contractforge.compile_record import compile_options, write_record
from contractforge.errors import ContractForgeError
from contractforge.loader import LoadedBundle, LoadedProject, LoadedStep, load_contract, load_project
from contractforge.loader.bundle import display_path
from contractforge.loader.yaml_source import recording_reads
from contractforge.planner import plan_loaded_project
from contractforge.planner.exclusion import exclude_unrunnable as exclude_unrunnable_steps
from contractforge.project_plan import ProjectPlan
from contractforge.validation import ValidationReport, validate_path
from contractforge.writer import TreeDiff, TreeWriter

if TYPE_CHECKING:  # the renderers load with compile, not with plan_project (local evidence commands)
    from contractforge.render import CompileOptions

__all__ = [
    "CompileResult",
    "LoadedBundle",
    "LoadedProject",
    "LoadedStep",
    "ValidationReport",
    "compile_project",
    "load_contract",
    "load_project",
    "plan_project",
    "validate_path",
]


def plan_project(path: str | Path, env: str = "aws") -> ProjectPlan:
    """Load, validate (both depths) and plan a project: the frozen ``ProjectPlan`` every renderer,
    the local runner and ops start from. Raises ``ContractForgeError`` (exit 2) for invalid input;
    blockers and review items are diagnostics on the steps (``plan.has_blockers``)."""
    return plan_loaded_project(load_project(path, env), release_bundles=True)


@dataclass(frozen=True)
class CompileResult:
    out_dir: Path
    outputs: dict[str, str] = field(repr=False)  # every managed file compiled → its sha256
    warnings: tuple[str, ...]
    diff: TreeDiff | None  # what differed before writing (compile) or what is out of date (check)
    blocked_steps: tuple[str, ...] = ()  # non-runnable steps: nothing was rendered
    blockers: tuple[str, ...] = ()  # "<step>: <file>: <code> <message>" of their blocking diagnostics
    notes: tuple[str, ...] = ()  # informational lines (the Step Functions budget used)
    excluded: dict[str, str] = field(default_factory=dict)  # --exclude-unrunnable: left-out step → why
    total_bytes: int = 0

    @property
    def ok(self) -> bool:
        return not self.blocked_steps


def render_plan(plan: ProjectPlan, options: CompileOptions) -> tuple[dict[str, bytes], tuple[str, ...]]:
    """The build tree of a plan (relative posix path → bytes) and the renderers' warnings."""
    from contractforge.render import load_module_files, load_runtime_files, render_build

    tree = render_build(plan, options, load_module_files(), load_runtime_files())
    return tree.files, tree.warnings


def contract_bundle_files(
    plan: ProjectPlan, read: Mapping[str, str] | None = None
) -> Iterable[tuple[str, str, bytes]]:
    """Each step's section files (``<stem>.<section>.yaml`` beside the ingestion file) when the
    environment sets ``artifacts.include_contract_bundle``: (step, file name, bytes), read one file at a
    time as the renderer publishes them (a large project's files are never all held at once).
    ``read`` (``recording_reads`` while planning: absolute path → sha256): a file planned from that is
    gone or different by now is refused, so the bundle published is the one planned."""
    if not ((plan.environment or {}).get("artifacts") or {}).get("include_contract_bundle"):
        return ()
    steps = tuple((step.name, step.contract_path) for step in plan.steps)
    return _SectionFiles(plan.root, steps, dict(read or {}))


@dataclass(frozen=True)
class _SectionFiles:
    root: Path
    steps: tuple[tuple[str, str], ...]  # (step name, ingestion file relative to the root)
    read: dict[str, str]  # absolute path → sha256 of the bytes planned

    def __iter__(self) -> Iterator[tuple[str, str, bytes]]:
        planned: dict[str, dict[str, str]] = {}
        for path, sha in self.read.items():
            directory, name = os.path.split(path)
            planned.setdefault(directory, {})[name] = sha
        for step, contract_path in self.steps:
            directory, file_name = os.path.split(os.path.abspath(os.path.join(self.root, contract_path)))
            prefix = file_name.split(".", 1)[0] + "."  # <stem>.*.y*ml, the stem taken literally

            def section(name: str, prefix: str = prefix) -> bool:
                return name.startswith(prefix) and fnmatch.fnmatchcase(name[len(prefix) :], "*.y*ml")

            names = sorted(name for name in _listing(directory) if section(name))
            shas = planned.get(directory, {})
            for name in sorted(set(filter(section, shas)) - set(names)):
                raise _changed(os.path.join(directory, name), "deleted")
            for name in names:
                content = _section_bytes(os.path.join(directory, name))
                if name in shas and hashlib.sha256(content).hexdigest() != shas[name]:
                    raise _changed(os.path.join(directory, name), "changed")
                yield step, name, content


def _listing(directory: str) -> list[str]:
    try:
        return os.listdir(directory)
    except OSError as exc:
        raise _changed(directory, exc.strerror or "unreadable") from None


def _section_bytes(path: str) -> bytes:
    """A contract section published with the bundle, read after planning: it may be gone by now."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise _changed(path, exc.strerror or "unreadable") from None


def _unwritable(out_dir: Path, why: str) -> ContractForgeError:
    return ContractForgeError.single(f"cannot write the build here: {why}", file=f"--out {out_dir}",
                                     code="OUT_NOT_WRITABLE")  # fmt: skip


def _changed(path: str, what: str) -> ContractForgeError:
    return ContractForgeError.single(
        f"{what} while compiling: the project was planned from what was there before; the output is "
        "incomplete: compile again",
        file=display_path(Path(path)), code="FILE_CHANGED_DURING_COMPILE",
    )  # fmt: skip


def compile_project(
    path: str | Path,
    env: str = "aws",
    out: str | Path = "build/aws",
    *,
    check: bool = False,
    module_source: str = "vendored",
    endpoint_url: str | None = None,
    exclude_unrunnable: bool = False,
) -> CompileResult:
    """Plan, render and write a self-contained Terraform root under ``out`` (or, with ``check``,
    compare ``out`` with what would be written). A plan with blockers renders nothing — unless
    ``exclude_unrunnable``: then unrunnable steps and their dependants are left out (``excluded``).

    The cyclic garbage collector is paused meanwhile and run once, after planning: a compile builds
    millions of long-lived objects and few cycles, and each automatic pass walks all of them (about a
    fifth of a 1,000-contract compile)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _compile(path, env, out, check, module_source, endpoint_url, exclude_unrunnable)
    finally:
        if collecting:
            gc.enable()


def _compile(
    path: str | Path,
    env: str,
    out: str | Path,
    check: bool,
    module_source: str,
    endpoint_url: str | None,
    exclude_unrunnable: bool,
) -> CompileResult:
    out_dir = Path(out)
    for place in (out_dir, *out_dir.parents):  # the first one that exists must be a directory
        if place.exists():
            if not place.is_dir():
                raise _unwritable(out_dir, f"{place} is a file, not a directory")
            break
    with recording_reads() as inputs:
        plan = plan_project(path, env)
    gc.collect()  # the loaded project is garbage now, cycles included
    excluded: dict[str, str] = {}
    if exclude_unrunnable:
        plan, excluded = exclude_unrunnable_steps(plan)
    blocked = tuple(step.name for step in plan.steps if not step.runnable)
    project_blockers = tuple(
        f"project: {d.file or 'project.yaml'}: {d.code} {d.message}"
        for d in plan.diagnostics
        if d.severity == "blocker"
    )
    if blocked or project_blockers:
        blockers = project_blockers + tuple(
            f"{step.name}: {d.file or step.contract_path}: {d.code} {d.message}"
            for step in plan.steps
            if not step.runnable
            for d in step.diagnostics
            if d.severity == "blocker"
        )
        return CompileResult(out_dir, {}, (), None, blocked or ("(project)",), blockers)
    from contractforge.render import CompileOptions, load_module_files, load_runtime_files, render_build

    options = CompileOptions(
        module_source=module_source,
        endpoint_url=endpoint_url,
        contract_files=contract_bundle_files(plan, inputs),
    )
    try:
        writer = TreeWriter(out_dir, check=check)  # files go to disk as they are rendered
        tree = render_build(plan, options, load_module_files(), load_runtime_files(), sink=writer.add)
        del plan, options  # rendered: the run plans are not held while the record is made
        diff = writer.finish()
    except OSError as exc:  # the output place, not the compiler: bad input (a read error stays a bug)
        if not str(exc.filename or "").startswith(str(out_dir)):
            raise
        raise _unwritable(out_dir, f"{exc.strerror}: {exc.filename}") from None
    outputs = {path: facts.sha256 for path, facts in tree.described.items()}
    if not check:  # a partial tree is never answered from the record
        options = compile_options(path, env, module_source, endpoint_url)
        write_record(out_dir, options, inputs if not excluded else {}, outputs)
    total = sum(facts.bytes for facts in tree.described.values())
    return CompileResult(
        out_dir, outputs, tree.warnings, diff, notes=tree.notes, excluded=excluded, total_bytes=total
    )
