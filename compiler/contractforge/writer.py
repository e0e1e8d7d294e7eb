"""The only module that writes the build tree: ``compile`` writes it, ``compile --check`` compares.

Managed paths (written, and removed when no longer produced): ``main.tf.json``,
``endpoints_override.tf.json``, ``modules/**`` and ``artifacts/**``. Everything else in the output
directory (``.terraform/``, state, ``*.tfvars``, a backend file) is left alone and ignored by
``--check``. Files whose content is unchanged are not rewritten (mtimes stay).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MANAGED_FILES = ("main.tf.json", "endpoints_override.tf.json")
MANAGED_DIRS = ("modules", "artifacts")


@dataclass(frozen=True)
class TreeDiff:
    missing: tuple[str, ...]
    stale: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def fresh(self) -> bool:
        return not (self.missing or self.stale or self.extra)

    def render(self) -> str:
        lines = [f"  {kind}: {path}" for kind, paths in self._kinds() for path in paths]
        return "\n".join(lines)

    def _kinds(self) -> list[tuple[str, tuple[str, ...]]]:
        return [("stale", self.stale), ("missing", self.missing), ("extra", self.extra)]


def managed_files_on_disk(out_dir: Path) -> set[str]:
    found = {name for name in MANAGED_FILES if (out_dir / name).is_file()}
    for directory in MANAGED_DIRS:
        base = out_dir / directory
        if base.is_dir():
            found.update(p.relative_to(out_dir).as_posix() for p in base.rglob("*") if p.is_file())
    return found


def check_tree(files: dict[str, bytes], out_dir: Path) -> TreeDiff:
    out_dir = Path(out_dir)
    on_disk = managed_files_on_disk(out_dir)
    missing = sorted(path for path in files if path not in on_disk)
    stale = sorted(path for path in files if path in on_disk and (out_dir / path).read_bytes() != files[path])
    extra = sorted(on_disk - set(files))
    return TreeDiff(tuple(missing), tuple(stale), tuple(extra))


def write_tree(files: dict[str, bytes], out_dir: Path) -> TreeDiff:
    """Make the managed part of ``out_dir`` equal to ``files``; returns what had to change."""
    out_dir = Path(out_dir)
    diff = check_tree(files, out_dir)
    for path in (*diff.missing, *diff.stale):
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".cf-tmp")
        temporary.write_bytes(files[path])
        temporary.replace(target)
    for path in diff.extra:
        (out_dir / path).unlink()
    _remove_empty_dirs(out_dir)
    return diff


def _remove_empty_dirs(out_dir: Path) -> None:
    for directory in MANAGED_DIRS:
        base = out_dir / directory
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()
