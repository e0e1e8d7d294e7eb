"""Blocks being merged by the layout, and their conversion to the frozen Task/Series/Parallel tree."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Task:
    step: str  # the unit's name


@dataclass(frozen=True)
class Series:
    parts: tuple[Any, ...]  # Task | Parallel (| ChildMachine after splitting)


@dataclass(frozen=True)
class Parallel:
    branches: tuple[Any, ...]  # Task | Series (| ChildMachine after splitting)


class Block:
    """A growing series (deque of parts) or parallel (list of branches) while blocks merge."""

    __slots__ = ("kind", "items")

    def __init__(self, kind: str, items: Any) -> None:
        self.kind, self.items = kind, items


def series(first: Any, second: Any) -> Any:
    a_seq = isinstance(first, Block) and first.kind == "S"
    b_seq = isinstance(second, Block) and second.kind == "S"
    if a_seq and b_seq:
        if len(first.items) >= len(second.items):
            first.items.extend(second.items)
            return first
        second.items.extendleft(reversed(first.items))
        return second
    if a_seq:
        first.items.append(second)
        return first
    if b_seq:
        second.items.appendleft(first)
        return second
    return Block("S", deque((first, second)))


def parallel(first: Any, second: Any) -> Any:
    a_par = isinstance(first, Block) and first.kind == "P"
    b_par = isinstance(second, Block) and second.kind == "P"
    if a_par and b_par:
        big, small = (first, second) if len(first.items) >= len(second.items) else (second, first)
        big.items.extend(small.items)
        return big
    if a_par:
        first.items.append(second)
        return first
    if b_par:
        second.items.append(first)
        return second
    return Block("P", [first, second])


def units(tree: Any) -> list[int]:
    found, stack = [], [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, Block):
            stack.extend(item.items)
        else:
            found.append(item)
    return found


def normalise(root: Any, names: list[str]) -> Any:
    """Merge blocks → frozen Task/Series/Parallel; nested same kinds flattened, branches in project order."""
    if not isinstance(root, Block):
        return Task(names[root])
    done: dict[int, tuple[Any, list[tuple[Any, int]]]] = {}  # id(Block) → (tree, [(part, smallest unit)])
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        item, expanded = stack.pop()
        if id(item) in done:
            continue
        if not expanded:
            stack.append((item, True))
            stack.extend((child, False) for child in item.items if isinstance(child, Block))
            continue
        parts: list[tuple[Any, int]] = []
        for child in item.items:
            if not isinstance(child, Block):
                parts.append((Task(names[child]), child))
                continue
            tree, inner = done.pop(id(child))
            if child.kind == item.kind:
                parts.extend(inner)  # a series inside a series (parallel inside parallel) is flattened
            else:
                parts.append((tree, min(first for _, first in inner)))
        if item.kind == "P":
            parts.sort(key=lambda pair: pair[1])
            done[id(item)] = (Parallel(tuple(tree for tree, _ in parts)), parts)
        else:
            done[id(item)] = (Series(tuple(tree for tree, _ in parts)), parts)
    return done[id(root)][0]
