"""The step graph of project.yaml (``execution_order``): names are unique, every ``depends_on``
names a declared step, and the dependencies form no cycle. The one DAG check of the product;
its problems carry the codes DUPLICATE_STEP, UNKNOWN_DEPENDENCY and DEPENDENCY_CYCLE."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from contractforge.errors import ContractForgeError, Problem
from contractforge.loader.errors import SourceLocator
from contractforge.models import Project


def check_step_graph(project: Project, locator: SourceLocator) -> None:
    """Raise one ContractForgeError listing duplicate names and unknown dependencies, or the first cycle."""
    names = [s.name for s in project.execution_order]
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            path = ("execution_order", index, "name")
            problems.append(locator.problem(path, f"step name '{name}' is used twice", code="DUPLICATE_STEP"))
        seen.add(name)
    for index, step in enumerate(project.execution_order):
        for dep in step.depends_on:
            if dep not in seen:
                close = difflib.get_close_matches(dep, names, n=1, cutoff=0.6)
                path = ("execution_order", index, "depends_on")
                message = f"depends on unknown step '{dep}'"
                problems.append(
                    locator.problem(path, message, close[0] if close else None, "UNKNOWN_DEPENDENCY")
                )
    if problems:
        raise ContractForgeError(problems)
    cycle = find_cycle({s.name: s.depends_on for s in project.execution_order})
    if cycle:
        path = ("execution_order", names.index(cycle[0]), "depends_on")
        message = "dependency cycle: " + " -> ".join(cycle)
        raise ContractForgeError([locator.problem(path, message, code="DEPENDENCY_CYCLE")])


def find_cycle(edges: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A dependency cycle as ``[a, b, …, a]`` (first found in declaration order), or None.
    Dependencies on names that are not keys of ``edges`` are ignored."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in edges.get(node, ()):
            if dep not in edges:
                continue
            if state.get(dep) == 1:
                return stack[stack.index(dep) :] + [dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in edges:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None
