"""YAML loading that remembers where every key and value came from.

``load_yaml(path)`` returns plain dicts/lists/scalars plus a ``SourceMap`` from key paths
(tuples of str keys and int list indexes) to 1-based ``(line, column)`` positions, so a
pydantic error location can be reported as ``file:line:col``.

Why a node walk instead of a Loader subclass: PyYAML's constructor builds objects bottom-up
and has no notion of the path being built; composing nodes with the C loader (libyaml, when
available) and walking them once (``loader.yaml_walk``) is both simpler and the fastest pure-PyYAML
option (faster than ``yaml.load`` with the C loader, which records no positions).

Refused: duplicate keys (both lines reported), non-string keys, empty documents, several
documents in one file, and anything beyond the bounds of ``loader.yaml_limits`` (file size,
nesting depth, alias expansion). YAML syntax errors become ``ContractForgeError`` with file:line:col.
"""

from __future__ import annotations

import hashlib
import operator
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from contractforge.errors import ContractForgeError
from contractforge.loader.yaml_limits import check_file_size, check_text
from contractforge.loader.yaml_walk import STR_TAG, SourceMap, problem_at, shared_positions, walk

try:  # libyaml is ~10x faster; the pure-Python loader gives identical nodes
    _Parent = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Parent = yaml.SafeLoader

_RESOLVED: dict[tuple[str, bool], str] = {}
# first characters for which the safe resolver has implicit types (ints, floats, bools, nulls, …); it
# has no wildcard resolver, so a plain scalar starting with anything else resolves to a string
_TYPED_FIRST = frozenset(first for first in _Parent.yaml_implicit_resolvers if first)
assert None not in _Parent.yaml_implicit_resolvers


assert not _Parent.yaml_path_resolvers  # the safe loader registers no path resolvers (see _BaseLoader)


class _BaseLoader(_Parent):  # type: ignore[misc,valid-type]
    """Fast implicit tag resolution of scalars (the parser asks for every one): a quoted or block
    scalar, or a plain one whose first character starts no implicit type (``customer_id``,
    ``s3://…``), is a string, exactly as PyYAML's resolver decides; the rest is memoised, since
    keys and common values repeat across thousands of contract files.

    The composer also calls ``descend_resolver(parent, index)`` and ``ascend_resolver()`` around every
    node; they only maintain path-resolver state, and no path resolver is registered, so they are C
    builtins whose results are ignored (two Python calls fewer per node: ~15 % of composing)."""

    descend_resolver = staticmethod(operator.is_)  # no-op: (parent, index) → a bool nobody reads
    ascend_resolver = staticmethod(tuple)  # no-op: () → the empty tuple

    def resolve(self, kind, value, implicit):  # noqa: ANN001, ANN201 - PyYAML signature
        if kind is not yaml.ScalarNode or implicit is None:
            return super().resolve(kind, value, implicit)
        if not implicit[0] or (value and value[0] not in _TYPED_FIRST):
            return STR_TAG
        key = (value, bool(implicit[1]))
        tag = _RESOLVED.get(key)
        if tag is None:
            if len(_RESOLVED) > 200_000:
                _RESOLVED.clear()
            tag = _RESOLVED[key] = super().resolve(kind, value, implicit)
        return tag


@dataclass(frozen=True)
class YamlDocument:
    path: Path
    data: Any
    source_map: SourceMap


def parse_yaml_text(text: str, file: str, path: Path | None = None) -> YamlDocument:
    """Parse ``text`` (reported as ``file``); raises ContractForgeError on any problem."""
    check_text(text, file)
    loader = _BaseLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.composer.ComposerError as exc:
            message = (
                "a contract file must hold exactly one YAML document"
                if "single document" in str(exc.context)
                else f"invalid YAML: {exc.problem or exc.context}"
            )
            raise ContractForgeError(
                [problem_at(message, file, exc.problem_mark, code="YAML_SYNTAX")]
            ) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message = f"invalid YAML: {exc.problem or exc.context}"
            raise ContractForgeError([problem_at(message, file, mark, code="YAML_SYNTAX")]) from None
        except yaml.reader.ReaderError as exc:  # a control character or other unreadable byte
            line = text.count("\n", 0, max(exc.position, 0)) + 1
            column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
            message = f"invalid YAML: character #x{exc.character:04x} is not allowed in YAML text"
            raise ContractForgeError.single(
                message, file=file, line=line, column=column, code="YAML_SYNTAX"
            ) from None
        if node is None:
            raise ContractForgeError.single(
                "the file is empty; expected a YAML mapping", file=file, line=1, column=1, code="EMPTY_FILE"
            )
        try:
            smap, problems, data = walk(loader, node, file, plain="&" not in text and "<<" not in text)
        except yaml.MarkedYAMLError as exc:  # e.g. an alias to an undefined anchor, bad tag
            mark = exc.problem_mark or exc.context_mark
            raise ContractForgeError([problem_at(f"invalid YAML: {exc.problem}", file, mark)]) from None
        if problems:
            raise ContractForgeError(problems)
    finally:
        loader.dispose()
    smap.keys, smap.values = shared_positions(smap.keys), shared_positions(smap.values)
    return YamlDocument(path=path if path is not None else Path(file), data=data, source_map=smap)


_READ_LOGS: list[dict[str, str]] = []


@contextmanager
def recording_reads() -> Iterator[dict[str, str]]:
    """Every file ``load_yaml`` reads while active, absolute path → sha256 of the bytes read (the
    inputs of a compile, see compile_record: hashed here, not read a second time)."""
    log: dict[str, str] = {}
    _READ_LOGS.append(log)
    try:
        yield log
    finally:
        _READ_LOGS.remove(log)


def load_yaml(path: str | Path, display: str | None = None) -> YamlDocument:
    """Read and parse one YAML (or JSON) file. ``display`` is the name used in messages."""
    path = path if isinstance(path, Path) else Path(path)
    shown = display or str(path)
    try:
        with open(path, "rb") as handle:
            check_file_size(os.fstat(handle.fileno()).st_size, shown)
            content = handle.read()
        text = content.decode("utf-8")
    except FileNotFoundError:
        raise ContractForgeError.single("file not found", file=shown, code="FILE_NOT_FOUND") from None
    except UnicodeDecodeError as exc:
        raise _not_utf8(shown, exc) from None
    except OSError as exc:
        raise ContractForgeError.single(f"cannot read file: {exc.strerror or exc}", file=shown) from None
    if "\r" in text:  # what a text-mode read gives (universal newlines)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _READ_LOGS:
        digest = hashlib.sha256(content).hexdigest()
        absolute = os.path.abspath(path)  # resolve() costs a realpath walk per file
        for log in _READ_LOGS:
            log[absolute] = digest
    return parse_yaml_text(text, shown, path)


def _not_utf8(shown: str, exc: UnicodeDecodeError) -> ContractForgeError:
    """The first byte that is not UTF-8, at its line and column (``exc`` decoded the whole file)."""
    before = exc.object[: exc.start]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return ContractForgeError.single(
        f"byte 0x{exc.object[exc.start : exc.start + 1].hex()} is not UTF-8 text; save the file as UTF-8",
        file=shown, line=before.count(b"\n") + 1, column=column, code="YAML_NOT_UTF8",
    )  # fmt: skip


def load_mapping(path: str | Path, display: str | None = None, what: str = "file") -> YamlDocument:
    """``load_yaml`` that also insists the document root is a mapping."""
    document = load_yaml(path, display)
    if not isinstance(document.data, dict):
        raise ContractForgeError.single(
            f"expected a mapping of keys at the top of the {what}, got {type(document.data).__name__}",
            file=document.source_map.file,
            line=1,
            column=1,
        )
    return document
