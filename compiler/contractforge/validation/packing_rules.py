"""Packing groups checked against the project's steps (``parameters.aws.packing``).

Every step a group names exists, no step sits in two groups, the packs never wait on each other in a
cycle (a step of one pack depending on a step of another, both ways) and no pack mixes Glue versions
(one job run has one). ``validate`` and ``plan`` run these checks with the environment file's
locations; planner/packing.py runs them again on any plan it is handed, so a pack layout is never
built from a bad grouping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from contractforge.validation.locate import Problems

PACKING = ("parameters", "aws", "packing")
DEFAULT_GLUE_VERSION = "5.0"  # DESIGN: Glue 5.0 (Spark 3.5, Python 3.11)


def merged_setting(env_aws: Mapping[str, Any], contract_aws: Mapping[str, Any], key: str) -> dict[str, Any]:
    """One settings map of a step: the environment's ``parameters.aws.<key>`` with the contract's
    ``extensions.aws.<key>`` laid over it key by key (None in the contract keeps the environment's)."""
    base = env_aws.get(key) if isinstance(env_aws.get(key), dict) else {}
    overlay = contract_aws.get(key) if isinstance(contract_aws.get(key), dict) else {}
    return {**base, **{k: v for k, v in overlay.items() if v is not None}}


def glue_version(job: Mapping[str, Any]) -> str:
    """The Glue version of a step's merged ``glue_job`` settings."""
    return str(job.get("glue_version") or DEFAULT_GLUE_VERSION)


def rounds(depends_on: Mapping[str, Sequence[str]]) -> tuple[dict[str, int], list[str]]:
    """Kahn's algorithm over ``name -> names it depends on`` (names outside the map are ignored): each
    name's round (one more than its latest dependency's) and, sorted, the names that can never start
    (on a cycle or after one). One pass over the edges: chains are thousands deep."""
    waiting = {name: len(set(deps) & depends_on.keys()) for name, deps in depends_on.items()}
    dependants: dict[str, list[str]] = {}
    for name, deps in depends_on.items():
        for dep in set(deps) & depends_on.keys():
            dependants.setdefault(dep, []).append(name)
    round_of = {name: 0 for name, count in waiting.items() if count == 0}
    ready = list(round_of)
    while ready:
        name = ready.pop()
        for dependant in dependants.get(name, ()):
            round_of[dependant] = max(round_of.get(dependant, 0), round_of[name] + 1)
            waiting[dependant] -= 1
            if waiting[dependant] == 0:
                ready.append(dependant)
    return round_of, sorted(name for name, count in waiting.items() if count)


def group_members(names: Any) -> list[str]:
    """A group's steps as written: one name or a list."""
    return [names] if isinstance(names, str) else list(names or [])


def check_packing(
    problems: Problems, packing: Mapping[str, Any] | None, depends_on: Mapping[str, Sequence[str]]
) -> None:
    """``packing``: the environment's packing settings (layout shorthand expanded); ``depends_on``:
    each step of the environment → the steps it depends on."""
    packing = packing or {}
    groups = packing.get("groups") or {}
    if packing.get("layout") == "groups" and not groups:
        problems.add((*PACKING, "layout"), "layout groups needs groups: {name: [steps]}")
        return
    if packing.get("layout") not in (None, "groups"):
        return  # groups only matter to the groups layout (project_settings notes them as unused)
    owner: dict[str, str] = {}
    for group, names in sorted(groups.items()):
        members = group_members(names)
        unknown = [n for n in members if n not in depends_on]
        if unknown:
            problems.add(
                (*PACKING, "groups", group), f"unknown step(s) {unknown}; steps are {sorted(depends_on)}"
            )
        twice = [n for n in members if n in owner]
        if twice:
            problems.add(
                (*PACKING, "groups", group), f"step(s) {twice} already packed in {owner[twice[0]]!r}"
            )
        owner.update({n: group for n in members if n in depends_on and n not in owner})
    if problems:
        return
    pack_depends_on: dict[str, set[str]] = {}
    for step, deps in depends_on.items():
        pack = owner.get(step, step)
        others = {owner.get(d, d) for d in deps if d in depends_on} - {pack}
        pack_depends_on.setdefault(pack, set()).update(others)
    _, stuck = rounds({pack: sorted(deps) for pack, deps in pack_depends_on.items()})
    if stuck:
        problems.add(
            (*PACKING, "groups"),
            f"these packs would wait for each other: {stuck} (a step of one depends on a step of "
            "another both ways); regroup the steps",
        )


def pack_members(layout: str | None, groups: Mapping[str, Any], depends_on: Mapping[str, Sequence[str]]
                 ) -> list[tuple[str, list[str]]]:  # fmt: skip
    """The packed layouts' packs as (pack name, step names), named as planner/packing.py names them:
    ``project``; ``wave-01``… by depends_on round; each group (steps in no group run alone)."""
    if layout == "project":
        return [("project", list(depends_on))]
    if layout == "wave":
        round_of, _ = rounds(depends_on)
        waves: dict[int, list[str]] = {}
        for name in depends_on:
            waves.setdefault(round_of.get(name, 0), []).append(name)
        return [(f"wave-{i + 1:02d}", waves[level]) for i, level in enumerate(sorted(waves))]
    if layout in (None, "groups"):
        return [(group, group_members(names)) for group, names in sorted(groups.items())]
    return []


def check_pack_versions(
    problems: Problems, packing: Mapping[str, Any] | None, depends_on: Mapping[str, Sequence[str]],
    glue_version: Mapping[str, str],
) -> None:  # fmt: skip
    """No pack mixes Glue versions (``glue_version``: each step's resolved version)."""
    packing = packing or {}
    for pack, members in pack_members(packing.get("layout"), packing.get("groups") or {}, depends_on):
        versions = sorted({glue_version[n] for n in members if n in glue_version})
        if len(versions) > 1:
            problems.add(
                PACKING, f"pack {pack!r} mixes Glue versions {versions}; one job run has one version"
            )
