"""Stage local files where a local run expects an ``s3://`` object: ``<s3_root>/<bucket>/<key>``.

Copies keep the source's modification time, so putting the same file twice is a no-op for the
processed-files ledger of incremental sources, while a changed file counts as new input.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from contractforge_runtime.environment.paths import PathResolver, is_s3_uri

from contractforge.errors import ContractForgeError


def local_path_for(uri: str, s3_root: str | Path) -> Path:
    if not is_s3_uri(uri):
        raise ContractForgeError.single(f"destination must be an s3:// URI, got {uri!r}", field="DESTINATION")
    return Path(PathResolver(str(s3_root)).resolve(uri))


def put(source: str | Path, destination: str, s3_root: str | Path = ".contractforge/s3") -> list[Path]:
    """Copy a file or a directory tree to ``destination`` (an s3:// prefix or object key); returns the copies.

    A directory's *contents* go under the prefix; a file goes under the prefix when the destination
    ends with ``/``, else to exactly that key.
    """
    source = Path(source)
    if not source.exists():
        raise ContractForgeError.single(f"nothing to stage: {source} does not exist", file=str(source))
    target = local_path_for(destination, s3_root)
    copies: list[Path] = []
    if source.is_dir():
        for file in sorted(p for p in source.rglob("*") if p.is_file()):
            copies.append(_copy(file, target / file.relative_to(source)))
    else:
        copies.append(_copy(source, target / source.name if destination.endswith("/") else target))
    return copies


def _copy(file: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(file, target)
    return target
