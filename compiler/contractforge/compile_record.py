"""``compile --check`` without re-compiling when nothing changed (the pre-commit fast path).

``compile`` leaves ``<out>/.contractforge-compile.json`` next to the tree it wrote: the options,
the sha256 of every file the compile read (project.yaml, environment, connections, every contract
and sibling file — all YAML goes through loader.yaml_source, which logs each path it reads), a
digest of the compiler itself (its Python sources, the Terraform modules and the runtime package
it vendors) and the sha256 of every file it wrote. ``compile --check`` first asks
:func:`up_to_date`: when the options, every input, the compiler and every managed output file are
byte-for-byte what was recorded (no managed file added, no file added next to an input), the
tree is up to date — and the answer costs a few hashes instead of importing pydantic and
re-rendering. Any difference (or no record) → the full check, which names the stale, missing and extra files. The record is not a
managed file: compile --check ignores it and Terraform never reads it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from contractforge.render.canonical import canonical_json_chunks
from contractforge.writer import managed_files_on_disk

RECORD_FILE = ".contractforge-compile.json"
FORMAT = 1
PACKAGE_ROOT = Path(__file__).resolve().parent  # contractforge/


def compiler_digest() -> str:
    """Everything of the compiler that shapes the output: its sources, modules and runtime."""
    from contractforge.render.inputs import load_module_files, load_runtime_files

    digest = hashlib.sha256()
    sources = sorted(p for p in PACKAGE_ROOT.rglob("*.py") if "__pycache__" not in p.parts)
    named = [(f"compiler/{p.relative_to(PACKAGE_ROOT)}", p.read_bytes()) for p in sources]
    named += [
        (f"module/{m}/{f}", c) for m, files in sorted(load_module_files().items()) for f, c in files.items()
    ]
    named += [(f"runtime/{f}", c) for f, c in sorted(load_runtime_files().items())]
    for name, content in named:
        digest.update(name.encode() + b"\0" + _sha(content).encode())
    return digest.hexdigest()


def inputs_record(options: dict[str, Any], inputs: dict[str, str]) -> dict[str, Any]:
    """What a result made from ``inputs`` (absolute paths of the files the loader read → the sha256
    of the bytes it read, ``yaml_source.recording_reads``) with ``options`` depends on."""
    return {
        "format": FORMAT,
        "options": options,
        "compiler": compiler_digest(),
        "inputs": dict(inputs),
        "directories": {
            directory: _listing(directory) for directory in {os.path.dirname(path) for path in inputs}
        },  # keys sorted when written
    }


def inputs_unchanged(record: dict[str, Any], options: dict[str, Any]) -> bool:
    """Whether ``record`` (``inputs_record``) still holds: same options, every input and every listing
    of their directories byte-for-byte as recorded (no file added next to an input), same compiler."""
    if record.get("format") != FORMAT or record.get("options") != options or not record.get("inputs"):
        return False
    for path, sha in record["inputs"].items():
        if _file_sha(Path(path)) != sha:
            return False
    for directory, names in (record.get("directories") or {}).items():
        if _listing(directory) != names:  # e.g. a new sibling file next to a contract
            return False
    return record.get("compiler") == compiler_digest()


def write_record(
    out_dir: Path, options: dict[str, Any], inputs: dict[str, str], outputs: dict[str, str]
) -> None:
    """``outputs``: every managed file written → its sha256."""
    record = {**inputs_record(options, inputs), "outputs": outputs}
    with open(out_dir / RECORD_FILE, "wb") as handle:  # in pieces: 50,000 outputs are ~9 MB of text
        handle.writelines(canonical_json_chunks(record))


def up_to_date(out_dir: Path, options: dict[str, Any]) -> int | None:
    """Number of files when the recorded compile still holds exactly; None when unsure."""
    try:
        record = json.loads((out_dir / RECORD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    outputs = record.get("outputs") or {}
    if managed_files_on_disk(out_dir) != set(outputs):
        return None
    if any(_file_sha(out_dir / path) != sha for path, sha in outputs.items()):
        return None
    if not inputs_unchanged(record, options):
        return None
    return len(outputs)


def _file_sha(path: Path) -> str | None:
    """None when ``path`` is not a readable file."""
    try:
        with open(path, "rb") as handle:
            return _sha(handle.read())
    except OSError:  # missing, or a directory
        return None


def _listing(directory: str) -> list[str]:
    try:
        return sorted(os.listdir(directory))
    except OSError:
        return []


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def compile_options(
    project: str | Path, env: str, module_source: str, endpoint_url: str | None
) -> dict[str, Any]:
    return {
        "project": str(Path(project).resolve()),
        "env": env,
        "module_source": module_source,
        "endpoint_url": endpoint_url,
    }
