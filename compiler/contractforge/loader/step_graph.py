"""The step graph of project.yaml (``execution_order``): names are unique, every ``depends_on``
names a declared step, and the dependencies form no cycle. The one DAG check of the product;
its problems carry the codes DUPLICATE_STEP, UNKNOWN_DEPENDENCY and DEPENDENCY_CYCLE."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from contractforge.errors import ContractForgeError, Problem
from contractforge.loader.errors import SourceLocator
from contractforge.models import Project


def platform_only_tasks(project: Project, env: str) -> dict[str, str]:
    """Extra tasks other platforms' schedules declare (``schedule.adapters.<other>.extra_tasks``)
    → that platform: a step may depend on them; they are not part of this environment's graph
    (the loader drops such dependencies with a PLATFORM_ONLY_DEPENDENCY note)."""
    adapters = project.schedule.adapters if project.schedule else None
    found: dict[str, str] = {}
    for adapter, settings in sorted((adapters.model_extra or {}).items() if adapters else ()):
        if adapter == env or not isinstance(settings, dict):
            continue
        for task in settings.get("extra_tasks") or []:
            if isinstance(task, dict) and isinstance(task.get("name"), str):
                found.setdefault(task["name"], adapter)
    return found


def check_step_graph(project: Project, locator: SourceLocator, env: str = "aws") -> None:
    """Raise one ContractForgeError listing duplicate names and unknown dependencies, or the first cycle.
    Dependencies on other platforms' extra tasks (:func:`platform_only_tasks`) are not unknown."""
    names = [s.name for s in project.execution_order]
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            path = ("execution_order", index, "name")
            problems.append(locator.problem(path, f"step name '{name}' is used twice", code="DUPLICATE_STEP"))
        seen.add(name)
    elsewhere = platform_only_tasks(project, env)
    for index, step in enumerate(project.execution_order):
        for dep in step.depends_on:
            if dep not in seen and dep not in elsewhere:
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
    Dependencies on names that are not keys of ``edges`` are ignored. Iterative: any depth."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in edges:
        if root in state:
            continue
        path, pending = [root], [iter(edges[root])]
        state[root] = 1
        while path:
            dep = next(pending[-1], None)
            if dep is None:
                state[path.pop()] = 2
                pending.pop()
            elif dep not in edges or state.get(dep) == 2:
                continue
            elif state.get(dep) == 1:
                return path[path.index(dep) :] + [dep]
            else:
                state[dep] = 1
                path.append(dep)
                pending.append(iter(edges[dep]))
    return None
