"""A series-parallel tree too big for one state machine → a parent machine starting child machines.

Bottom-up (no recursion: generators driven by an explicit stack), every block is checked
against the limits of a whole machine (limits.Cost.fits). A block that does not fit first moves
its big members (more than half a machine, or nested as deep as allowed) into child machines of
their own, then groups the remaining small members — consecutive parts of a series, branches of a
parallel in order — into child machines holding as much as fits. A child machine is started with
``states:startExecution.sync:2`` and waits exactly where its block stood, so the split adds no
ordering: the execution order stays the one of the unsplit tree.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from contractforge.render.step_functions.blocks import Parallel, Series, Task
from contractforge.render.step_functions.limits import Cost, parallel_cost, series_cost


@dataclass(frozen=True)
class ChildMachine:
    machine: int  # index into the machine list returned by split_machines
    units: int  # Glue job runs it starts, directly or through its own children


def split_machines(tree: Any, unit_cost: Callable[[str], Cost], child_cost: Cost) -> list[Any]:
    """Machine trees, the root first, then the children in the order the root reaches them."""
    splitter = _Splitter(unit_cost, child_cost)
    root, _ = drive(splitter.fit(tree))
    return _preorder(root, splitter.machines)


def drive(generator: Generator[Any, Any, Any]) -> Any:
    """Run a generator that yields sub-generators for their results (recursion without the stack)."""
    stack, value = [generator], None
    while stack:
        try:
            request = stack[-1].send(value)
        except StopIteration as finished:
            stack.pop()
            value = finished.value
            continue
        stack.append(request)
        value = None
    return value


def units_in(block: Any) -> int:
    count, stack = 0, [block]
    while stack:
        item = stack.pop()
        if isinstance(item, Task):
            count += 1
        elif isinstance(item, ChildMachine):
            count += item.units
        else:
            stack.extend(item.parts if isinstance(item, Series) else item.branches)
    return count


class _Splitter:
    def __init__(self, unit_cost: Callable[[str], Cost], child_cost: Cost) -> None:
        self.unit_cost, self.child_cost = unit_cost, child_cost
        self.machines: list[Any] = []

    def fit(self, block: Any) -> Generator[Any, Any, tuple[Any, Cost]]:
        if isinstance(block, Task):
            return block, self.unit_cost(block.step)
        kind = "S" if isinstance(block, Series) else "P"
        members = []
        for member in block.parts if kind == "S" else block.branches:
            members.append((yield self.fit(member)))
        return self._settle(kind, members)

    def _settle(self, kind: str, members: list[tuple[Any, Cost]]) -> tuple[Any, Cost]:
        cost = _combine(kind, members)
        if cost.fits():
            return _block(kind, members), cost
        members = [
            self._extract(kind, [(m, c)]) if c.big() and not isinstance(m, ChildMachine) else (m, c)
            for m, c in members
        ]
        include_children = False
        while not (cost := _combine(kind, members)).fits():
            grouped = self._group(kind, members, include_children)
            if len(grouped) == len(members):
                if include_children:
                    raise ValueError(
                        "state machine split made no progress (a single unit exceeds the limits)"
                    )
                include_children = True
            members = grouped
        return _block(kind, members), cost

    def _group(
        self, kind: str, members: list[tuple[Any, Cost]], include_children: bool
    ) -> list[tuple[Any, Cost]]:
        """Runs (series) or first-fit groups (parallel) of members that fit one machine → child machines."""
        grouped: list[tuple[Any, Cost]] = []
        run: list[tuple[Any, Cost]] = []

        def close() -> None:
            grouped.extend([self._extract(kind, run)] if len(run) > 1 else run)
            run.clear()

        for member, cost in members:
            if isinstance(member, ChildMachine) and not include_children:
                close()
                grouped.append((member, cost))
                continue
            if run and not _combine(kind, [*run, (member, cost)]).fits():
                close()
            run.append((member, cost))
        close()
        return grouped

    def _extract(self, kind: str, members: list[tuple[Any, Cost]]) -> tuple[Any, Cost]:
        tree = _block(kind, members)
        self.machines.append(tree)
        return ChildMachine(len(self.machines) - 1, units_in(tree)), self.child_cost


def _combine(kind: str, members: list[tuple[Any, Cost]]) -> Cost:
    costs = [cost for _, cost in members]
    return series_cost(costs) if kind == "S" else parallel_cost(costs)


def _block(kind: str, members: list[tuple[Any, Cost]]) -> Any:
    if len(members) == 1:
        return members[0][0]
    items = tuple(member for member, _ in members)
    return Series(items) if kind == "S" else Parallel(items)


def _preorder(root: Any, machines: list[Any]) -> list[Any]:
    """Renumber machines breadth-first from the root (root = 0, then the machines it starts, ...)."""
    ordered, number = [root], {}
    position = 0
    while position < len(ordered):
        stack = [ordered[position]]
        position += 1
        while stack:
            item = stack.pop()
            if isinstance(item, ChildMachine):
                number[item.machine] = len(ordered)
                ordered.append(machines[item.machine])
            elif isinstance(item, (Series, Parallel)):
                stack.extend(reversed(item.parts if isinstance(item, Series) else item.branches))
    return [_renumbered(tree, number) for tree in ordered]


def _renumbered(tree: Any, number: dict[int, int]) -> Any:
    def visit(block: Any) -> Generator[Any, Any, Any]:
        if isinstance(block, ChildMachine):
            return ChildMachine(number[block.machine], block.units)
        if isinstance(block, Task):
            return block
        items = []
        for item in block.parts if isinstance(block, Series) else block.branches:
            items.append((yield visit(item)))
        return Series(tuple(items)) if isinstance(block, Series) else Parallel(tuple(items))

    return drive(visit(tree))
