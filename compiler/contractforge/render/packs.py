"""Packed layouts in the compiled root (``parameters.aws.packing``, planner/packing.py).

Per pack: ``artifacts/packs/<pack>.json`` (uploaded to ``packs/<pack>.json``: the steps, their run
plan keys and the depends_on edges inside the pack; read by the runtime's pack entry), one Glue job
(``module.glue_jobs["<pack>"]``, ``--CONTRACTFORGE_PLAN_URI`` pointing at the pack plan) and one role
whose policy is the union of its steps' least-privilege policies plus the pack plan object
(statements with the same effect, actions and condition merge their resources; no wildcard is
added). The state machine starts packs instead of steps.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from contractforge.planner.packing import PackLayout, unit_step
from contractforge.project_plan import StepPlan
from contractforge.render.canonical import canonical_json, compact_json, text_bytes
from contractforge.render.iam import policy_template
from contractforge.render.layout import ArtifactKeys, step_file_stem
from contractforge.render.root_inputs import StepDeployment

POLICY_FILE = "iam_policy.json"


def pack_key(pack: str) -> str:
    return f"packs/{step_file_stem(pack)}.json"


def pack_plan(layout: PackLayout, pack_name: str, steps: dict[str, StepPlan]) -> dict[str, Any]:
    from contractforge_runtime.run.pack import (
        PACK_KIND,  # the runtime reads it (lazily: no Spark at validate)
    )

    pack = next(p for p in layout.packs if p.name == pack_name)
    members = set(pack.steps)
    return {
        "kind": PACK_KIND,
        "pack_version": 1,
        "pack": pack.name,
        "max_parallel": pack.max_parallel,
        "steps": [
            {
                "name": name,
                "plan_uri": ArtifactKeys.plan_key(name),  # relative to the artifact prefix
                "depends_on": [d for d in steps[name].depends_on if d in members],
                "expected_result": steps[name].expected_result,
            }
            for name in pack.steps
        ],
    }


def union_policy(policies: list[dict[str, Any]], extra_objects: list[str]) -> dict[str, Any]:
    """One policy allowing exactly what any of ``policies`` allows, plus reading ``extra_objects``
    (S3 object ARNs) next to the artifacts."""
    merged: dict[tuple[str, tuple[str, ...], str], dict[str, Any]] = {}
    for policy in policies:
        for statement in policy["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            condition = json.dumps(statement.get("Condition"), sort_keys=True)
            key = (statement["Effect"], tuple(sorted(actions)), condition)
            entry = merged.setdefault(key, {**statement, "Resource": []})
            resources = (
                statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            )
            entry["Resource"] = sorted(set(entry["Resource"]) | set(resources))
    for entry in merged.values():
        if entry["Sid"] == "ReadArtifacts":
            entry["Resource"] = sorted(set(entry["Resource"]) | set(extra_objects))
    statements, used = [], set()
    for entry in sorted(merged.values(), key=lambda s: (s["Sid"], s["Action"], s["Resource"])):
        sid, number = entry["Sid"], 1
        while sid in used:
            number += 1
            sid = f"{entry['Sid']}{number}"
        used.add(sid)
        statements.append({**entry, "Sid": sid})
    return {"Version": policies[0]["Version"], "Statement": statements}


def add_packs(
    build,
    layout: PackLayout,
    deployments: list[StepDeployment],
    policies: dict[str, dict[str, Any]],
    object_arn: Callable[[str], str],
    role_name: Callable[[str], str],
) -> list[StepDeployment]:
    """Pack plans, union policies and one deployment per pack (replacing the per-step ones)."""
    by_step = {d.step.name: d for d in deployments}
    steps = {name: d.step for name, d in by_step.items()}
    packed = []
    for pack in layout.packs:
        key = pack_key(pack.name)
        build.add(f"artifacts/{key}", text_bytes(canonical_json(pack_plan(layout, pack.name, steps))), key)
        pack_uri = build.artifacts.object_uri(key)
        policy = union_policy([policies[name] for name in pack.steps], [object_arn(pack_uri)])
        stem = step_file_stem(pack.name)
        policy_path = f"artifacts/review/packs/{stem}/{POLICY_FILE}"
        build.add(policy_path, text_bytes(policy_template(policy)))
        build.policy_sizes[f"pack:{pack.name}"] = len(compact_json(policy))
        unit = unit_step(pack, [steps[name] for name in pack.steps])
        packed.append(
            StepDeployment(
                unit,
                pack_uri,
                policy_path,
                None if pack.glue.role_arn else role_name(pack.glue.name),
                kind="pack",
                members=tuple(steps[name] for name in pack.steps),
            )
        )
    for entry in build.manifest_steps:
        pack = layout.pack_of(entry["name"])
        entry.update(pack=pack.name, job_name=pack.glue.name)
    return packed
