"""Bounds every YAML input must respect before it is turned into data.

A contract is a few kilobytes; these bounds sit far above any real file and far below what
hurts: a file above ``MAX_YAML_BYTES`` is refused before it is read, flow nesting deeper than
``MAX_NESTING`` is refused before libyaml composes it (libyaml's composer recurses in C and
crashes the interpreter near 100,000 levels), and a composed node graph whose full expansion
(every alias and ``<<:`` merge counted each time it is used) exceeds ``MAX_EXPANDED_NODES`` —
the "billion laughs" shape, a few hundred bytes expanding to millions of nodes — is refused in
one pass over the *distinct* nodes, before anything is expanded.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from contractforge.errors import ContractForgeError, Problem

MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_NESTING = 100
MAX_EXPANDED_NODES = 200_000
_FLOW_BRACKETS = re.compile(r"[\[\]{}]")


def _refuse(message: str, file: str, line: int | None, code: str) -> ContractForgeError:
    return ContractForgeError([Problem(message=message, file=file, line=line, column=1 if line else None,
                                       code=code)])  # fmt: skip


def check_file_size(size: int, file: str) -> None:
    if size > MAX_YAML_BYTES:
        raise _refuse(
            f"file is {size} bytes; contract files are limited to {MAX_YAML_BYTES} bytes",
            file, None, "YAML_TOO_LARGE",
        )  # fmt: skip


def check_text(text: str, file: str) -> None:
    """Size and flow-nesting bounds of the raw text (brackets inside quoted scalars count too:
    the bound is far above anything a contract holds)."""
    check_file_size(len(text.encode("utf-8", "surrogatepass")) if not text.isascii() else len(text), file)
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return
    depth = 0
    for match in _FLOW_BRACKETS.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_NESTING:
            line = text.count("\n", 0, match.start()) + 1
            raise _refuse(f"YAML nesting deeper than {MAX_NESTING} levels", file, line, "YAML_TOO_DEEP")
        depth = max(depth, 0)


def check_node_graph(root: yaml.Node, file: str) -> None:
    """Refuses a composed graph that is nested deeper than ``MAX_NESTING`` or expands (aliases
    and merge keys counted at every use) to more than ``MAX_EXPANDED_NODES`` nodes. Iterative,
    memoised by node identity: linear in the number of distinct nodes."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if not children_done:
            if key in size or key in depth and size.get(key) is None:
                continue
            if isinstance(node, yaml.ScalarNode):
                size[key], depth[key] = 1, 1
                continue
            depth[key] = 0  # on the path: a recursive alias is reported by the walker
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))
            continue
        children = _children(node)
        size[key] = 1 + sum(size.get(id(child), 1) for child in children)
        depth[key] = 1 + max((depth.get(id(child), 1) for child in children), default=0)
        if depth[key] > MAX_NESTING:
            raise _refuse(f"YAML nesting deeper than {MAX_NESTING} levels", file,
                          node.start_mark.line + 1, "YAML_TOO_DEEP")  # fmt: skip
        if size[key] > MAX_EXPANDED_NODES:
            line = node.start_mark.line + 1
            raise _refuse(f"YAML aliases expand the node at line {line} to {size[key]} nodes (limit "
                          f"{MAX_EXPANDED_NODES}); write the values out or nest fewer aliases", file, line,
                          "YAML_ALIAS_EXPANSION")  # fmt: skip


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []
