"""The only module that writes the build tree: ``compile`` writes it, ``compile --check`` compares.

Managed paths (written, and removed when no longer produced): ``main.tf.json``,
``endpoints_override.tf.json``, ``modules/**`` and ``artifacts/**``. Everything else in the output
directory (``.terraform/``, state, ``*.tfvars``, a backend file) is left alone and ignored by
``--check``. Files whose content is unchanged are not rewritten (mtimes stay).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
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


class TreeWriter:
    """Receives the build tree one file at a time (``add``, the renderer's sink) and makes the managed
    part of ``out_dir`` equal to it — or, with ``check``, only compares. ``finish`` removes managed
    files that were not produced and returns the diff. A large tree is never held in memory whole."""

    def __init__(self, out_dir: Path, check: bool = False) -> None:
        self.out_dir = Path(out_dir)
        self.check = check
        self.on_disk = managed_files_on_disk(self.out_dir)
        # empty directories can only be left where managed directories existed before this write
        self._had_dirs = any((self.out_dir / directory).is_dir() for directory in MANAGED_DIRS)
        self.produced: set[str] = set()
        self.missing: set[str] = set()
        self.stale: set[str] = set()
        self._prefix = os.path.join(str(self.out_dir), "")  # out_dir + "/": a file's path is prefix + path
        self._directories: set[str] = set()

    def add(self, path: str, content: bytes | Iterator[bytes]) -> None:
        """``content``: the file's bytes, or its pieces in order (a big document: a new file is written
        piece by piece; an existing one is compared whole)."""
        self.produced.add(path)
        if path not in self.on_disk:
            self.missing.add(path)
            if not self.check:  # a new file: there is no old version to replace atomically
                _write_new(self._prefix, path, content, self._directories)
            return
        if not isinstance(content, bytes):
            content = b"".join(content)
        target = self.out_dir / path
        if target.read_bytes() != content:  # unchanged files are not rewritten (mtimes stay)
            self.stale.add(path)
            if not self.check:
                temporary = target.with_name(target.name + ".cf-tmp")
                temporary.write_bytes(content)
                temporary.replace(target)

    def finish(self) -> TreeDiff:
        extra = sorted(self.on_disk - self.produced)
        if not self.check:
            for path in extra:
                (self.out_dir / path).unlink()
            if self._had_dirs:
                _remove_empty_dirs(self.out_dir)
        return TreeDiff(tuple(sorted(self.missing)), tuple(sorted(self.stale)), tuple(extra))


def _write_new(prefix: str, path: str, content: bytes | Iterator[bytes], directories: set[str]) -> None:
    """Plain os calls: tens of thousands of files per compile, pathlib's overhead shows. ``prefix``: the
    output directory with a trailing separator (``path`` is relative, posix)."""
    directory, _, _ = path.rpartition("/")
    if directory not in directories:
        _make_directory(prefix + directory)
        directories.add(directory)
    descriptor = os.open(prefix + path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        if isinstance(content, bytes):
            _write_all(descriptor, content)
        else:
            _write_pieces(descriptor, content)
    finally:
        os.close(descriptor)


def _make_directory(path: str) -> None:
    """One mkdir when the parent exists (the usual case: a step's directory under artifacts/review)."""
    try:
        os.mkdir(path)
    except (FileNotFoundError, FileExistsError):  # parents missing, or there already
        os.makedirs(path, exist_ok=True)


_PIECES_BUFFER = 1 << 18  # pieces are gathered up to this size before each write


def _write_pieces(descriptor: int, pieces: Iterator[bytes]) -> None:
    buffer: list[bytes] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= _PIECES_BUFFER:
            _write_all(descriptor, b"".join(buffer))
            buffer, size = [], 0
    _write_all(descriptor, b"".join(buffer))


def _write_all(descriptor: int, content: bytes) -> None:
    written = os.write(descriptor, content)  # a regular file takes it all at once
    if written < len(content):
        view = memoryview(content)[written:]
        while view:
            view = view[os.write(descriptor, view) :]


def check_tree(files: dict[str, bytes], out_dir: Path) -> TreeDiff:
    return _feed(TreeWriter(out_dir, check=True), files)


def write_tree(files: dict[str, bytes], out_dir: Path) -> TreeDiff:
    """Make the managed part of ``out_dir`` equal to ``files``; returns what had to change."""
    return _feed(TreeWriter(out_dir), files)


def _feed(writer: TreeWriter, files: dict[str, bytes]) -> TreeDiff:
    for path, content in files.items():
        writer.add(path, content)
    return writer.finish()


def _remove_empty_dirs(out_dir: Path) -> None:
    for directory in MANAGED_DIRS:
        base = out_dir / directory
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()
