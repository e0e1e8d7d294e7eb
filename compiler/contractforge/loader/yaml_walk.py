"""Composed YAML nodes → Python data plus a ``SourceMap`` of 1-based positions (used by yaml_source).

Two walks give the same data and map. ``walk`` picks: a text without anchors and merge keys has no
aliases, so its graph is a tree walked once by ``_walk_plain`` (closures over locals, no per-node
method calls; it counts the nodes itself and gives up near a bound); any other graph is first checked
(``check_node_graph``) and walked by ``_Walker``, which resolves merges and refuses recursive aliases.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

from contractforge.errors import ContractForgeError, Problem, dotted
from contractforge.loader.yaml_limits import MAX_EXPANDED_NODES, MAX_NESTING, check_node_graph

PathKey = tuple[str | int, ...]
Position = tuple[int, int]
STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


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


def problem_at(message: str, file: str, mark: Any = None, **extra: Any) -> Problem:
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


def shared_positions(positions: dict[PathKey, Position]) -> dict[PathKey, Position]:
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
    """The plain walk came near a bound: check the graph first, then walk again."""


def walk(loader: Any, node: yaml.Node, file: str, plain: bool) -> tuple[SourceMap, list[Problem], Any]:
    """Source map, problems (duplicate or odd keys) and data of a composed graph, within
    ``yaml_limits``. ``plain``: the text has no anchor and no merge key, hence no alias."""
    if plain:
        smap = SourceMap(file=file)
        try:
            problems, data = _walk_plain(loader, node, smap)
            return smap, problems, data
        except _BoundsUnchecked:
            pass
    check_node_graph(node, file)
    walker = _Walker(loader, SourceMap(file=file))
    data = walker.value(node, ())
    return walker.smap, walker.problems, data


def _walk_plain(loader: Any, root: yaml.Node, smap: SourceMap) -> tuple[list[Problem], Any]:
    """The walk of a tree (no aliases, no merges: every node reached once); raises ``_BoundsUnchecked``
    well before any bound, where ``check_node_graph`` decides."""
    keys, values, file = smap.keys, smap.values, smap.file
    problems: list[Problem] = []
    positions, paths, intern = _POSITIONS, _PATHS, sys.intern
    scalar_type, mapping_type = yaml.ScalarNode, yaml.MappingNode
    count = [1]

    def value(node: Any, path: PathKey) -> Any:
        mark = node.start_mark  # a tree: every path is reached once
        values[path] = positions.get(mark.line << 32 | mark.column) or _position(mark)
        if node.tag == STR_TAG:  # most scalars are plain strings; contracts repeat them: one str each
            return intern(node.value)
        kind = type(node)
        if kind is scalar_type:
            return loader.construct_object(node, deep=True)
        children = node.value
        count[0] += len(children) * (2 if kind is mapping_type else 1)
        if len(path) >= MAX_NESTING // 2 or count[0] > MAX_EXPANDED_NODES // 2:
            raise _BoundsUnchecked
        if kind is not mapping_type:
            items = []
            for index, child in enumerate(children):
                child_path = (*path, index)
                items.append(value(child, paths.get(child_path) or _shared_path(child_path)))
            return items
        mapping: dict[str, Any] = {}
        for key_node, value_node in children:
            key = (
                intern(key_node.value)
                if key_node.tag == STR_TAG
                else _odd_key(key_node, path, file, problems)
            )
            if key is None:
                continue
            child_path = (*path, key)
            child_path = paths.get(child_path) or _shared_path(child_path)
            if key in mapping:
                problems.append(_duplicate(key, keys[child_path][0], file, key_node.start_mark, child_path))
                continue
            mark = key_node.start_mark
            keys[child_path] = positions.get(mark.line << 32 | mark.column) or _position(mark)
            if value_node.tag == STR_TAG:  # a string value, inline (most values): no call
                mark = value_node.start_mark
                values[child_path] = positions.get(mark.line << 32 | mark.column) or _position(mark)
                mapping[key] = intern(value_node.value)
            else:
                mapping[key] = value(value_node, child_path)
        return mapping

    try:
        return problems, value(root, ())
    finally:  # ``value`` refers to itself: break the cycle (a compile runs with the collector paused)
        value = None  # type: ignore[assignment] # noqa: F841


class _Walker:
    """The walk of any checked graph: aliases (a recursive one is refused) and ``<<:`` merges."""

    def __init__(self, loader: Any, smap: SourceMap) -> None:
        self.loader = loader
        self.smap = smap
        self.file = smap.file
        self.problems: list[Problem] = []
        self.open_nodes: set[int] = set()

    def value(self, node: yaml.Node, path: PathKey) -> Any:
        mark = node.start_mark
        self.smap.values.setdefault(path, _position(mark))
        if node.tag == STR_TAG:
            return sys.intern(node.value)
        if isinstance(node, yaml.ScalarNode):
            return self.loader.construct_object(node, deep=True)
        if id(node) in self.open_nodes:  # an alias to one of its own ancestors
            raise ContractForgeError(
                [problem_at("recursive YAML alias", self.file, mark, field=dotted(path))]
            )
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
        if any(key.tag == _MERGE_TAG for key, _ in pairs):
            own = sum(1 for key, _ in pairs if key.tag != _MERGE_TAG)
            self.loader.flatten_mapping(node)  # resolves YAML merge keys (<<: *anchor)
            pairs = node.value
            inherited = len(pairs) - own
        result: dict[str, Any] = {}
        own_keys: set[str] = set()
        keys = self.smap.keys
        for position, (key_node, value_node) in enumerate(pairs):
            key = (
                sys.intern(key_node.value)
                if key_node.tag == STR_TAG
                else _odd_key(key_node, path, self.file, self.problems)
            )
            if key is None:
                continue
            child = _shared_path((*path, key))
            if position >= inherited and key in own_keys:
                self.problems.append(_duplicate(key, keys[child][0], self.file, key_node.start_mark, child))
                continue
            if position >= inherited:
                own_keys.add(key)
            keys[child] = _position(key_node.start_mark)
            result[key] = self.value(value_node, child)
        return result


def _duplicate(key: str, first_line: int, file: str, mark: Any, path: PathKey) -> Problem:
    message = f"duplicate key '{key}' (first defined on line {first_line})"
    return problem_at(message, file, mark, field=dotted(path), code="DUPLICATE_KEY")


def _odd_key(key_node: yaml.Node, path: PathKey, file: str, problems: list[Problem]) -> str | None:
    """Keys YAML did not resolve to text: `on`/`yes`/`1` become their spelling, others fail."""
    if isinstance(key_node, yaml.ScalarNode):
        return key_node.value
    problems.append(
        problem_at("mapping keys must be plain strings", file, key_node.start_mark, field=dotted(path))
    )
    return None
