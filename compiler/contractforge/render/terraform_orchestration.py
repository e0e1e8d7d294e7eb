"""The root's Step Functions module call: ``orchestration`` (one machine) or ``orchestration_tree``.

A project that fits one state machine keeps the ``orchestration`` module. A split project (see
render/step_functions) calls ``orchestration_tree`` under the same address ``module.orchestration``
(outputs ``state_machine_arn``/``state_machine_name`` are the root's, so the schedule and the
outputs do not change), with one entry per machine: its definition file (a templatefile() when it
starts children), its role name, the Glue jobs and the child machines it starts.

IAM's inline policy limit (10,240 characters) is respected by construction: a machine starting
more jobs than fit as exact ARNs is granted ``job/<common job-name prefix>*`` instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from contractforge.naming import fit
from contractforge.render.tf_json import escape, quoted_key, ref

ROLE_NAME_MAX = 64
GLUE_ARNS_BUDGET = 6_000  # characters of job ARNs in one policy (the rest of it stays under 10,240)
GLUE_ARN_OVERHEAD = 48  # arn:<partition>:glue:<region>:<account>:job/ and the JSON quoting
MIN_PATTERN_PREFIX = 3
ARN_PREFIX_LOCAL = "state_machine_arn_prefix"


@dataclass(frozen=True)
class MachineFile:
    name: str
    path: str  # build-tree path of its definition
    glue_steps: tuple[str, ...]  # steps (keys of module.glue_jobs) it starts directly
    glue_jobs: tuple[str, ...]  # their Glue job names
    children: tuple[str, ...]  # child machines it starts directly


def fits_exact_arns(job_names: tuple[str, ...]) -> bool:
    return sum(GLUE_ARN_OVERHEAD + len(name) for name in job_names) <= GLUE_ARNS_BUDGET


def job_pattern_prefix(job_names: tuple[str, ...]) -> str | None:
    """The common job-name prefix usable as ``job/<prefix>*`` (None when too short to mean anything)."""
    prefix = os.path.commonprefix(list(job_names))
    return prefix if len(prefix) >= MIN_PATTERN_PREFIX else None


def orchestration_module(
    machines: tuple[MachineFile, ...],
    source: str,
    tree_source: str,
    machine_type: str,
    glue_arn_prefix: str,
    state_machine_arn_prefix: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(module call, locals it needs). ``*_arn_prefix`` are Terraform strings (tokens resolved)."""
    if len(machines) == 1:
        root = machines[0]
        return {
            "source": source,
            "name": escape(root.name),
            "definition": ref(f'file("${{path.root}}/{escape(root.path)}")'),
            "type": escape(machine_type),
            "glue_job_arns": _glue_arns(root, glue_arn_prefix, every_job=True),
        }, {}
    entries = {}
    for machine in machines:
        path = escape(machine.path)
        definition = (
            ref(f'templatefile("${{path.root}}/{path}", {{ {ARN_PREFIX_LOCAL} = local.{ARN_PREFIX_LOCAL} }})')
            if machine.children
            else ref(f'file("${{path.root}}/{path}")')
        )
        entries[escape(machine.name)] = {
            "definition": definition,
            "role_name": escape(fit(f"{machine.name}-sfn", ROLE_NAME_MAX)),
            "glue_job_arns": _glue_arns(machine, glue_arn_prefix, every_job=False),
            "child_names": [escape(child) for child in machine.children],
        }
    module = {
        "source": tree_source,
        "root_name": escape(machines[0].name),
        "arn_prefix": ref(f"local.{ARN_PREFIX_LOCAL}"),
        "type": escape(machine_type),
        "machines": entries,
    }
    return module, {ARN_PREFIX_LOCAL: state_machine_arn_prefix}


def _glue_arns(machine: MachineFile, glue_arn_prefix: str, every_job: bool) -> Any:
    if fits_exact_arns(machine.glue_jobs) or job_pattern_prefix(machine.glue_jobs) is None:
        if every_job:
            return ref("[for job in module.glue_jobs : job.job_arn]")
        return [ref(f"module.glue_jobs[{quoted_key(step)}].job_arn") for step in machine.glue_steps]
    return [glue_arn_prefix + escape(job_pattern_prefix(machine.glue_jobs) or "") + "*"]
