"""YAML loading that remembers where every key and value came from.

``load_yaml(path)`` returns plain dicts/lists/scalars plus a ``SourceMap`` from key paths
(tuples of str keys and int list indexes) to 1-based ``(line, column)`` positions, so a
pydantic error location can be reported as ``file:line:col``.

Why a node walk instead of a Loader subclass: PyYAML's constructor builds objects bottom-up
and has no notion of the path being built; composing nodes with the C loader (libyaml, when
available) and walking them once is both simpler and the fastest pure-PyYAML option.

Refused: duplicate keys (both lines reported), non-string keys, empty documents, several
documents in one file, and anything beyond the bounds of ``loader.yaml_limits`` (file size,
nesting depth, alias expansion). YAML syntax errors become ``ContractForgeError`` with file:line:col.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from contractforge.errors import ContractForgeError, Problem, dotted
from contractforge.loader.yaml_limits import (
    MAX_EXPANDED_NODES,
    MAX_NESTING,
    check_file_size,
    check_node_graph,
    check_text,
)

try:  # libyaml is ~10x faster; the pure-Python loader gives identical nodes
    _Parent = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Parent = yaml.SafeLoader

_RESOLVED: dict[tuple[str, bool], str] = {}
_STR_TAG = "tag:yaml.org,2002:str"
# first characters for which the safe resolver has implicit types (ints, floats, bools, nulls, …); it
# has no wildcard resolver, so a plain scalar starting with anything else resolves to a string
_TYPED_FIRST = frozenset(first for first in _Parent.yaml_implicit_resolvers if first)
assert None not in _Parent.yaml_implicit_resolvers


class _BaseLoader(_Parent):  # type: ignore[misc,valid-type]
    """Fast implicit tag resolution of scalars (the parser asks for every one): a quoted or block
    scalar, or a plain one whose first character starts no implicit type (``customer_id``,
    ``s3://…``), is a string, exactly as PyYAML's resolver decides; the rest is memoised, since
    keys and common values repeat across thousands of contract files."""

    def resolve(self, kind, value, implicit):  # noqa: ANN001, ANN201 - PyYAML signature
        if kind is not yaml.ScalarNode or implicit is None:
            return super().resolve(kind, value, implicit)
        if not implicit[0] or (value and value[0] not in _TYPED_FIRST):
            return _STR_TAG
        key = (value, bool(implicit[1]))
        tag = _RESOLVED.get(key)
        if tag is None:
            if len(_RESOLVED) > 200_000:
                _RESOLVED.clear()
            tag = _RESOLVED[key] = super().resolve(kind, value, implicit)
        return tag


PathKey = tuple[str | int, ...]
_MERGE_TAG = "tag:yaml.org,2002:merge"
Position = tuple[int, int]


@dataclass
class SourceMap:
    """Positions of keys and values in one file. Paths use the data's own keys/indexes. Read-only once
    parsed: files with the same layout share the dicts."""

    file: str
    keys: dict[PathKey, Position] = field(default_factory=dict)
    values: dict[PathKey, Position] = field(default_factory=dict)

    def locate(self, path: PathKey, prefer_key: bool = False) -> Position | None:
        """Exact position of ``path``, else of its nearest ancestor that has one."""
        current = tuple(path)
        while True:
            first, second = (self.keys, self.values) if prefer_key else (self.values, self.keys)
            hit = first.get(current) or second.get(current)
            if hit is not None:
                return hit
            if not current:
                return None
            current = current[:-1]

    def has(self, path: PathKey) -> bool:
        return tuple(path) in self.values or tuple(path) in self.keys


@dataclass(frozen=True)
class YamlDocument:
    path: Path
    data: Any
    source_map: SourceMap


def _problem(message: str, file: str, mark: Any = None, **extra: Any) -> Problem:
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return Problem(message=message, file=file, line=line, column=column, **extra)


# Source maps of a project hold one entry per key and value of every file; contracts share their
# shapes (the same key paths, the same positions), so paths and positions are shared objects.
_PATHS: dict[PathKey, PathKey] = {}
_POSITIONS: dict[int, Position] = {}
_SHARED_MAX = 500_000


def _shared_path(path: PathKey) -> PathKey:
    shared = _PATHS.get(path)
    if shared is None:
        if len(_PATHS) > _SHARED_MAX:
            _PATHS.clear()
        shared = _PATHS[path] = path
    return shared


def _position(mark: Any) -> Position:
    key = mark.line << 32 | mark.column
    shared = _POSITIONS.get(key)
    if shared is None:
        if len(_POSITIONS) > _SHARED_MAX:
            _POSITIONS.clear()
        shared = _POSITIONS[key] = (mark.line + 1, mark.column + 1)
    return shared


_POSITION_MAPS: dict[int, dict[PathKey, Position]] = {}
_LAYOUTS_MAX = 256  # a few layouts recur (one per template); a unique file's map is not kept alive


def _shared_positions(positions: dict[PathKey, Position]) -> dict[PathKey, Position]:
    """One dict for every file whose keys (or values) sit at exactly the same places: contracts made
    from one template share them. Source maps are never changed once their file is parsed."""
    digest = hash(tuple(positions.items()))
    shared = _POSITION_MAPS.get(digest)
    if shared == positions:
        return shared
    if shared is None:
        if len(_POSITION_MAPS) >= _LAYOUTS_MAX:
            _POSITION_MAPS.clear()
        _POSITION_MAPS[digest] = positions
    return positions


class _BoundsUnchecked(Exception):
    """A walk without the graph check came near a bound: check the graph first, then walk again."""


class _Walker:
    """Turns a composed node tree into Python data while filling a SourceMap. ``bounded``: the graph
    has no aliases (its text has no anchor), so the walk is linear in its nodes and counts them
    itself instead of a separate pass (``check_node_graph``), stopping well before any bound."""

    def __init__(self, loader: Any, smap: SourceMap, bounded: bool = False) -> None:
        self.loader = loader
        self.smap = smap
        self.file = smap.file
        self.problems: list[Problem] = []
        self.open_nodes: set[int] = set()
        self.bounded = bounded
        self.nodes = 1

    def value(self, node: yaml.Node, path: PathKey) -> Any:
        mark = node.start_mark
        self.smap.values.setdefault(path, _position(mark))
        if node.tag == _STR_TAG:  # fast path: most scalars are plain strings
            return sys.intern(node.value)  # contracts repeat keys and values: one str each
        if isinstance(node, yaml.ScalarNode):
            return self.loader.construct_object(node, deep=True)
        if self.bounded:
            self.nodes += len(node.value) * (2 if isinstance(node, yaml.MappingNode) else 1)
            if len(path) >= MAX_NESTING // 2 or self.nodes > MAX_EXPANDED_NODES // 2:
                raise _BoundsUnchecked
        if id(node) in self.open_nodes:  # an alias to one of its own ancestors
            raise ContractForgeError([_problem("recursive YAML alias", self.file, mark, field=dotted(path))])
        self.open_nodes.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            return [self.value(child, _shared_path((*path, index))) for index, child in enumerate(node.value)]
        finally:
            self.open_nodes.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        pairs = node.value
        inherited = 0  # leading pairs that came from `<<:` merges; the file's own keys override them
        if not self.bounded and any(
            key.tag == _MERGE_TAG for key, _ in pairs
        ):  # bounded: no `<<` in the text
            own = sum(1 for key, _ in pairs if key.tag != _MERGE_TAG)
            self.loader.flatten_mapping(node)  # resolves YAML merge keys (<<: *anchor)
            pairs = node.value
            inherited = len(pairs) - own
        result: dict[str, Any] = {}
        own_keys: set[str] = set()
        keys = self.smap.keys
        for position, (key_node, value_node) in enumerate(pairs):
            key = sys.intern(key_node.value) if key_node.tag == _STR_TAG else self._odd_key(key_node, path)
            if key is None:
                continue
            child = _shared_path((*path, key))
            mark = key_node.start_mark
            if position >= inherited and key in own_keys:
                first_line = keys[child][0]
                self.problems.append(
                    _problem(
                        f"duplicate key '{key}' (first defined on line {first_line})",
                        self.file,
                        mark,
                        field=dotted(child),
                        code="DUPLICATE_KEY",
                    )
                )
                continue
            if position >= inherited:
                own_keys.add(key)
            keys[child] = _position(mark)
            result[key] = self.value(value_node, child)
        return result

    def _odd_key(self, key_node: yaml.Node, path: PathKey) -> str | None:
        """Keys YAML did not resolve to text: `on`/`yes`/`1` become their spelling, others fail."""
        if isinstance(key_node, yaml.ScalarNode):
            return key_node.value
        self.problems.append(
            _problem("mapping keys must be plain strings", self.file, key_node.start_mark, field=dotted(path))
        )
        return None


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
                [_problem(message, file, exc.problem_mark, code="YAML_SYNTAX")]
            ) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message = f"invalid YAML: {exc.problem or exc.context}"
            raise ContractForgeError([_problem(message, file, mark, code="YAML_SYNTAX")]) from None
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
            walker, data = _walk(loader, node, file, bounded="&" not in text and "<<" not in text)
        except yaml.MarkedYAMLError as exc:  # e.g. an alias to an undefined anchor, bad tag
            mark = exc.problem_mark or exc.context_mark
            raise ContractForgeError([_problem(f"invalid YAML: {exc.problem}", file, mark)]) from None
        if walker.problems:
            raise ContractForgeError(walker.problems)
    finally:
        loader.dispose()
    smap = walker.smap
    smap.keys, smap.values = _shared_positions(smap.keys), _shared_positions(smap.values)
    return YamlDocument(path=path if path is not None else Path(file), data=data, source_map=smap)


def _walk(loader: Any, node: yaml.Node, file: str, bounded: bool) -> tuple[_Walker, Any]:
    """Data and source map of a composed graph, within ``yaml_limits``. A text without anchors (and
    merge keys) has no aliases: its walk counts the nodes itself; otherwise, or near a bound, the
    graph is checked first (``check_node_graph`` refuses with the exact location)."""
    if bounded:
        walker = _Walker(loader, SourceMap(file=file), bounded=True)
        try:
            return walker, walker.value(node, ())
        except _BoundsUnchecked:
            pass
    check_node_graph(node, file)
    walker = _Walker(loader, SourceMap(file=file))
    return walker, walker.value(node, ())


_READ_LOGS: list[list[Path]] = []


@contextmanager
def recording_reads() -> Iterator[list[Path]]:
    """Every file ``load_yaml`` reads while active (the inputs of a compile, see compile_record)."""
    log: list[Path] = []
    _READ_LOGS.append(log)
    try:
        yield log
    finally:
        _READ_LOGS.remove(log)


def load_yaml(path: str | Path, display: str | None = None) -> YamlDocument:
    """Read and parse one YAML (or JSON) file. ``display`` is the name used in messages."""
    path = path if isinstance(path, Path) else Path(path)
    shown = display or str(path)
    for log in _READ_LOGS:
        log.append(Path(os.path.abspath(path)))  # resolve() costs a realpath walk per file
    try:
        with open(path, encoding="utf-8") as handle:
            check_file_size(os.fstat(handle.fileno()).st_size, shown)
            text = handle.read()
    except FileNotFoundError:
        raise ContractForgeError.single("file not found", file=shown, code="FILE_NOT_FOUND") from None
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, shown, exc) from None
    except OSError as exc:
        raise ContractForgeError.single(f"cannot read file: {exc.strerror or exc}", file=shown) from None
    return parse_yaml_text(text, shown, path)


def _not_utf8(path: Path, shown: str, exc: UnicodeDecodeError) -> ContractForgeError:
    """The first byte that is not UTF-8, at its line and column (a text read counts in chunks, so
    the bytes are decoded again whole to find it)."""
    where: dict[str, Any] = {}
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as whole:
        exc, before = whole, whole.object[: whole.start]
        line_start = before.rfind(b"\n") + 1
        where = {"line": before.count(b"\n") + 1,
                 "column": len(before[line_start:].decode("utf-8", errors="replace")) + 1}  # fmt: skip
    except OSError:
        pass
    byte = exc.object[exc.start : exc.start + 1].hex()
    return ContractForgeError.single(
        f"byte 0x{byte} is not UTF-8 text; save the file as UTF-8", file=shown, code="YAML_NOT_UTF8", **where
    )


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
