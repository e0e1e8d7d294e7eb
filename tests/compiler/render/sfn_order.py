"""The execution order a series-parallel tree allows, and child machines expanded back, for tests."""

from __future__ import annotations

from typing import Any

from contractforge.render.step_functions import ChildMachine, Parallel, Series, Task


def units_of(tree: Any) -> set[str]:
    found, stack = set(), [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, Task):
            found.add(item.step)
        elif isinstance(item, Series):
            stack.extend(item.parts)
        elif isinstance(item, Parallel):
            stack.extend(item.branches)
    return found


def waits_for(tree: Any) -> dict[str, set[str]]:
    """Unit → the units that must have finished before it starts under this encoding."""
    result: dict[str, set[str]] = {}
    stack: list[tuple[Any, frozenset[str]]] = [(tree, frozenset())]
    while stack:
        block, before = stack.pop()
        if isinstance(block, Task):
            result[block.step] = set(before)
        elif isinstance(block, Series):
            done = set(before)
            for part in block.parts:
                stack.append((part, frozenset(done)))
                done |= units_of(part)
        else:
            stack.extend((branch, before) for branch in block.branches)
    return result


def closure(names: list[str], deps: dict[str, tuple[str, ...]]) -> dict[str, set[str]]:
    """Transitive dependencies (names in a topological order of deps)."""
    result: dict[str, set[str]] = {}
    pending = list(names)
    while pending:
        name = pending.pop(0)
        parents = [d for d in deps.get(name, ()) if d in names and d != name]
        if any(p not in result for p in parents):
            pending.append(name)
            continue
        result[name] = set().union(*({p} | result[p] for p in parents)) if parents else set()
    return result


def expanded(tree: Any, machines: list[Any]) -> Any:
    """The tree with every ChildMachine replaced by its machine's tree (and flattened again)."""
    if isinstance(tree, ChildMachine):
        return expanded(machines[tree.machine], machines)
    if isinstance(tree, Task):
        return tree
    kind = Series if isinstance(tree, Series) else Parallel
    items = []
    for item in tree.parts if kind is Series else tree.branches:
        inner = expanded(item, machines)
        if isinstance(inner, kind):
            items.extend(inner.parts if kind is Series else inner.branches)
        else:
            items.append(inner)
    return kind(tuple(items))
