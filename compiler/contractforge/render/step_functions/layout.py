"""The ``depends_on`` DAG of orchestration units → a series-parallel tree, without recursion.

A unit waits exactly for what it depends on, not for a whole topological "level". The DAG's
transitive reduction (Hasse diagram) is reduced by two rules until one block is left:

- **series**: ``a``'s only child is ``b`` and ``b``'s only parent is ``a`` → ``Series(a, b)``;
- **parallel**: ``a`` and ``b`` have the same parents and the same children → ``Parallel(a, b)``.

Both rules merge a module of the order, so the result is exact (the tree allows precisely the
DAG's order) for every series-parallel DAG — chains, forests, fork/join, nested diamonds — and
the work is near-linear (hashed neighbour sets, smaller side moved on every merge). A DAG that is
not series-parallel (the "N" shape ``A→C, A→D, B→D``) gets stuck; the stuck component is then cut
after its sources (or before its sinks, whichever adds fewer orderings): the cut part runs first
(last) as one stage and the rest is laid out on its own. The orderings that adds are returned
(counted; the first ``MAX_LISTED_ORDERINGS`` listed). A dependency is never dropped.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from typing import Any

from contractforge.render.step_functions.blocks import (
    Series,
    normalise,
    parallel,
    series,
    units,
)

MAX_LISTED_ORDERINGS = 50


@dataclass(frozen=True)
class Layout:
    tree: Any  # Task | Series | Parallel (Series(()) when there are no units)
    added_orderings: tuple[tuple[str, str], ...]  # (before, after) pairs not implied by depends_on
    added_count: int  # all of them; at most MAX_LISTED_ORDERINGS are listed


def decompose(
    names: list[str], depends_on: dict[str, tuple[str, ...]]
) -> tuple[Any, tuple[tuple[str, str], ...]]:
    """Series-parallel tree of the DAG plus the (listed) orderings that had to be added."""
    layout = lay_out(names, depends_on)
    return layout.tree, layout.added_orderings


def lay_out(names: list[str], depends_on: dict[str, tuple[str, ...]]) -> Layout:
    """Names in project order; dependencies on names not in ``names`` are ignored."""
    if not names:
        return Layout(Series(()), (), 0)
    index = {name: i for i, name in enumerate(names)}
    parents = [
        sorted({index[d] for d in depends_on.get(name, ()) if d in index and d != name}) for name in names
    ]
    order = _topological(names, parents)
    ancestors = _ancestors(order, parents)
    reducer = _Reducer(names, _hasse(parents, ancestors), ancestors)
    root = reducer.run()
    return Layout(normalise(root, names), tuple(reducer.listed), reducer.added_count)


def _topological(names: list[str], parents: list[list[int]]) -> list[int]:
    children: list[list[int]] = [[] for _ in names]
    pending = [len(p) for p in parents]
    for node, node_parents in enumerate(parents):
        for parent in node_parents:
            children[parent].append(node)
    ready = deque(i for i, count in enumerate(pending) if count == 0)
    order = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for child in children[node]:
            pending[child] -= 1
            if pending[child] == 0:
                ready.append(child)
    if len(order) < len(names):
        node = next(i for i, count in enumerate(pending) if count)
        seen = set()
        while node not in seen:  # walk up inside the cycle until a node repeats
            seen.add(node)
            node = next(p for p in parents[node] if pending[p])
        raise ValueError(f"execution_order has a dependency cycle through {names[node]!r}")
    return order


def _ancestors(order: list[int], parents: list[list[int]]) -> list[int]:
    """Transitive ancestors of every node as a bitset (bit i = node i)."""
    ancestors = [0] * len(parents)
    for node in order:
        mask = 0
        for parent in parents[node]:
            mask |= ancestors[parent] | (1 << parent)
        ancestors[node] = mask
    return ancestors


def _hasse(parents: list[list[int]], ancestors: list[int]) -> list[list[int]]:
    """Drop dependencies implied by others (``c`` on ``a`` when ``c`` also depends on ``b`` → ``a``)."""
    reduced = []
    for node_parents in parents:
        if len(node_parents) < 2:
            reduced.append(node_parents)
            continue
        implied = 0
        for parent in node_parents:
            implied |= ancestors[parent]
        reduced.append([p for p in node_parents if not (implied >> p) & 1])
    return reduced


class _Reducer:
    """Blocks (initially one per unit) merged by the series and parallel rules; stuck → cut."""

    def __init__(self, names: list[str], hasse: list[list[int]], ancestors: list[int]) -> None:
        self.names, self.ancestors = names, ancestors
        count = len(names)
        rng = random.Random(0x5EED)  # deterministic hashing keys
        self.key = [rng.getrandbits(62) for _ in range(count)]
        self.parents: list[set[int]] = [set(p) for p in hasse]
        self.children: list[set[int]] = [set() for _ in range(count)]
        for node, node_parents in enumerate(hasse):
            for parent in node_parents:
                self.children[parent].add(node)
        self.tree: list[Any] = list(range(count))  # int = a unit (index)
        self.alive = set(range(count))
        self.hash_p = [0] * count
        self.hash_c = [0] * count
        for node in range(count):
            for parent in self.parents[node]:
                self.hash_p[node] ^= self.key[parent]
            for child in self.children[node]:
                self.hash_c[node] ^= self.key[child]
        self.scope = [0] * count  # blocks of a cut component's remainder live in their own scope
        self.members: dict[int, set[int]] = {0: set(range(count))}  # scope → its alive blocks
        self.pending = {0: 0}  # scope → inner scopes not yet closed
        self.scope_wrap: dict[int, tuple[int, Any, bool]] = {}  # scope → (outer scope, stage, stage first)
        self.buckets: dict[tuple[int, int, int], set[int]] = {}
        for node in range(count):
            self._bucket(node, add=True)
        self.work = list(range(count - 1, -1, -1))
        self.listed: list[tuple[str, str]] = []
        self.added_count = 0
        self.scopes_made = 0

    def _bucket_key(self, node: int) -> tuple[int, int, int]:
        return (self.scope[node], self.hash_p[node], self.hash_c[node])

    def _bucket(self, node: int, add: bool) -> None:
        key = self._bucket_key(node)
        if add:
            self.buckets.setdefault(key, set()).add(node)
            return
        members = self.buckets[key]
        members.discard(node)
        if not members:
            del self.buckets[key]

    def run(self) -> Any:
        while True:
            while self.work:
                node = self.work.pop()
                if node in self.alive:
                    self._examine(node)
            if len(self.alive) == 1:
                return self.tree[next(iter(self.alive))]
            self._cut_stuck_components()

    def _examine(self, node: int) -> None:
        children, parents = self.children[node], self.parents[node]
        if len(children) == 1:
            child = next(iter(children))
            if len(self.parents[child]) == 1:
                self._merge_series(node, child)
                return
        if len(parents) == 1:
            parent = next(iter(parents))
            if len(self.children[parent]) == 1:
                self._merge_series(parent, node)
                return
        for other in self.buckets.get(self._bucket_key(node), ()):
            if other != node and self.parents[other] == parents and self.children[other] == children:
                self._merge_parallel(node, other)
                return

    def _relink(self, node: int, old: int, new: int, side: str) -> None:
        """In ``node``'s parent (side "p") or child (side "c") set, ``old`` becomes ``new``."""
        self._bucket(node, add=False)
        links, hashes = (self.parents, self.hash_p) if side == "p" else (self.children, self.hash_c)
        links[node].discard(old)
        hashes[node] ^= self.key[old]
        if new >= 0 and new not in links[node]:
            links[node].add(new)
            hashes[node] ^= self.key[new]
        self._bucket(node, add=True)
        self.work.append(node)

    def _merge_series(self, first: int, second: int) -> None:
        """``first``'s only child is ``second`` and ``second``'s only parent is ``first``."""
        tree = series(self.tree[first], self.tree[second])
        keep_first = len(self.parents[first]) >= len(self.children[second])
        self._bucket(first, add=False)
        self._bucket(second, add=False)
        if keep_first:
            survivor, gone = first, second
            for child in self.children[second]:
                self._relink(child, second, first, "p")
            self.children[first] = self.children[second]
            self.hash_c[first] = self.hash_c[second]
        else:
            survivor, gone = second, first
            for parent in self.parents[first]:
                self._relink(parent, first, second, "c")
            self.parents[second] = self.parents[first]
            self.hash_p[second] = self.hash_p[first]
        self._drop(gone)
        self.tree[survivor] = tree
        self._bucket(survivor, add=True)
        self.work.append(survivor)
        self._maybe_close(self.scope[survivor])

    def _merge_parallel(self, keep: int, gone: int) -> None:
        self._bucket(gone, add=False)
        for parent in self.parents[gone]:
            self._relink(parent, gone, -1, "c")
        for child in self.children[gone]:
            self._relink(child, gone, -1, "p")
        self.tree[keep] = parallel(self.tree[keep], self.tree[gone])
        self._drop(gone)
        self.work.append(keep)
        self._maybe_close(self.scope[keep])

    def _drop(self, node: int) -> None:
        self.alive.discard(node)
        self.parents[node] = self.children[node] = set()
        self.members[self.scope[node]].discard(node)
        self.tree[node] = None

    def _maybe_close(self, scope: int) -> None:
        """A cut component's remainder reduced to one block: wrap it with its stage, move it out."""
        while scope and not self.pending[scope] and len(self.members[scope]) == 1:
            node = next(iter(self.members[scope]))
            if self.parents[node] or self.children[node]:
                return
            outer, stage, stage_first = self.scope_wrap.pop(scope)
            self._bucket(node, add=False)
            self.tree[node] = (
                series(stage, self.tree[node]) if stage_first else series(self.tree[node], stage)
            )
            del self.members[scope], self.pending[scope]
            self.scope[node] = outer
            self.members[outer].add(node)
            self.pending[outer] -= 1
            self._bucket(node, add=True)
            self.work.append(node)
            scope = outer

    def _cut_stuck_components(self) -> None:
        for component in self._stuck_components():
            sources = [n for n in component if not self.parents[n]]
            sinks = [n for n in component if not self.children[n]]
            rest_src = [n for n in component if self.parents[n]]
            rest_snk = [n for n in component if self.children[n]]
            cost_src = self._added(sources, rest_src, stage_first=True, record=False)
            cost_snk = self._added(sinks, rest_snk, stage_first=False, record=False)
            if cost_src <= cost_snk:
                self._cut(sources, rest_src, stage_first=True)
            else:
                self._cut(sinks, rest_snk, stage_first=False)

    def _stuck_components(self) -> list[list[int]]:
        seen: set[int] = set()
        components = []
        for start in sorted(self.alive):
            if start in seen or not (self.parents[start] or self.children[start]):
                continue
            seen.add(start)
            component, queue = [], [start]
            while queue:
                node = queue.pop()
                component.append(node)
                for other in (*self.parents[node], *self.children[node]):
                    if other not in seen:
                        seen.add(other)
                        queue.append(other)
            components.append(sorted(component))
        return components

    def _cut(self, stage: list[int], rest: list[int], stage_first: bool) -> None:
        self._added(stage, rest, stage_first, record=True)
        outer = self.scope[stage[0]]
        stage_tree = self.tree[stage[0]]
        for node in stage[1:]:
            stage_tree = parallel(stage_tree, self.tree[node])
        for node in stage:
            self._bucket(node, add=False)
            for other in self.children[node]:
                self._relink(other, node, -1, "p")
            for other in self.parents[node]:
                self._relink(other, node, -1, "c")
            self._drop(node)
        self.scopes_made += 1
        inner = self.scopes_made
        self.scope_wrap[inner] = (outer, stage_tree, stage_first)
        self.members[inner] = set(rest)
        self.pending[inner] = 0
        self.pending[outer] += 1
        for node in rest:
            self._bucket(node, add=False)
            self.members[outer].discard(node)
            self.scope[node] = inner
            self._bucket(node, add=True)
            self.work.append(node)
        self._maybe_close(inner)

    def _added(self, stage: list[int], rest: list[int], stage_first: bool, record: bool) -> int:
        """Orderings the cut adds: stage unit before (after) a rest unit it is unrelated to."""
        stage_units = [u for n in stage for u in units(self.tree[n])]
        rest_units = [u for n in rest for u in units(self.tree[n])]
        stage_mask = sum(1 << u for u in stage_units)
        rest_mask = sum(1 << u for u in rest_units)
        total = 0
        if stage_first:
            for unit in rest_units:
                missing = stage_mask & ~self.ancestors[unit]
                total += missing.bit_count()
                if record and missing:
                    self._record([(b, unit) for b in stage_units if (missing >> b) & 1], missing.bit_count())
        else:
            for unit in stage_units:
                missing = rest_mask & ~self.ancestors[unit]
                total += missing.bit_count()
                if record and missing:
                    self._record([(b, unit) for b in rest_units if (missing >> b) & 1], missing.bit_count())
        return total

    def _record(self, pairs: list[tuple[int, int]], count: int) -> None:
        self.added_count += count
        room = MAX_LISTED_ORDERINGS - len(self.listed)
        self.listed.extend((self.names[a], self.names[b]) for a, b in sorted(pairs)[: max(room, 0)])
