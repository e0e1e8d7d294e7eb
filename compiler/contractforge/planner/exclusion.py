"""``compile --exclude-unrunnable``: the plan without its unrunnable steps and everything after them.

A step that is not runnable (REVIEW_REQUIRED or UNSUPPORTED) is left out together with every step
that depends on it, directly or not — a dependant must never run without what it waits for.
The reasons are returned so the caller can list them loudly; the default compile stays
all-or-nothing.
"""

from __future__ import annotations

import dataclasses

from contractforge.project_plan import ProjectPlan


def exclude_unrunnable(plan: ProjectPlan) -> tuple[ProjectPlan, dict[str, str]]:
    """(plan of the runnable remainder, left-out step → why, in project order)."""
    dependants: dict[str, list[str]] = {}
    for step in plan.steps:
        for dep in step.depends_on:
            dependants.setdefault(dep, []).append(step.name)
    reasons: dict[str, str] = {}
    queue = []
    for step in plan.steps:
        if not step.runnable:
            codes = ", ".join(d.code for d in step.diagnostics if d.severity in ("blocker", "review"))
            reasons[step.name] = step.status + (f" ({codes})" if codes else "")
            queue.append(step.name)
    while queue:  # breadth-first over dependants: any depth, each step once
        name = queue.pop(0)
        for dependant in dependants.get(name, ()):
            if dependant not in reasons:
                reasons[dependant] = f"depends on left-out {name}"
                queue.append(dependant)
    kept = tuple(step for step in plan.steps if step.name not in reasons)
    ordered = {step.name: reasons[step.name] for step in plan.steps if step.name in reasons}
    return dataclasses.replace(plan, steps=kept), ordered
