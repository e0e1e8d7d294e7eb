"""Deployment manifest (``artifacts/manifest.json``): every compiled file (except the vendored
``modules/``, byte copies of ``terraform/modules``) with bytes, lines, sha256 and its S3 key.

Also a size budget: scripts above 256 KiB and IAM policies above IAM's 10,240-character inline
limit are flagged (``WARN``, non-blocking) and echoed as compile warnings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from contractforge import __version__
from contractforge.project_plan import ProjectPlan
from contractforge.render.canonical import sha256_hex

MANIFEST_KIND = "contractforge.aws.deployment_manifest.v1"
SCRIPT_WARNING_BYTES = 262_144
INLINE_POLICY_LIMIT = 10_240


class FileFacts(NamedTuple):
    """What the manifest (and the compile record) keep of a rendered file once it is handed on."""

    bytes: int
    lines: int
    sha256: str


def describe_file(content: bytes) -> FileFacts:
    return FileFacts(len(content), content.count(b"\n"), sha256_hex(content))


class FileFactsBuilder:
    """:func:`describe_file` of a file handed over in pieces: ``through`` yields them unchanged."""

    def __init__(self) -> None:
        self._bytes = self._lines = 0
        self._sha = hashlib.sha256()

    def through(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            self._bytes += len(chunk)
            self._lines += chunk.count(b"\n")
            self._sha.update(chunk)
            yield chunk

    def facts(self) -> FileFacts:
        return FileFacts(self._bytes, self._lines, self._sha.hexdigest())


def render_manifest(
    plan: ProjectPlan,
    files: dict[str, FileFacts],
    uploads: dict[str, str],
    steps: list[dict[str, Any]],
    policy_sizes: dict[str, int],
    warnings: list[str],
) -> dict[str, Any]:
    """``files``: build-tree path → its facts (the manifest itself excluded); ``uploads``: path → S3 key."""
    artifacts = [
        {"path": path, **facts._asdict(), **({"s3_key": uploads[path]} if path in uploads else {})}
        for path, facts in sorted(files.items())
    ]
    scripts = [
        {
            "path": a["path"],
            "bytes": a["bytes"],
            "status": "WARN" if a["bytes"] > SCRIPT_WARNING_BYTES else "OK",
        }
        for a in artifacts
        if a["path"].endswith(".py")
    ]
    policies = [
        {"step": step, "characters": size, "status": "WARN" if size > INLINE_POLICY_LIMIT else "OK"}
        for step, size in sorted(policy_sizes.items())
    ]
    return {
        "kind": MANIFEST_KIND,
        "generator": {"name": "contractforge", "version": __version__},
        "project": plan.name,
        "environment": plan.environment_key,
        "artifacts_uri": plan.artifacts_uri,
        "evidence_database": plan.evidence_database,
        "state_machine_name": plan.state_machine_name,
        "steps": steps,
        "artifacts": artifacts,
        "summary": {
            "artifact_count": len(artifacts),
            "total_bytes": sum(a["bytes"] for a in artifacts),
            "max_artifact_bytes": max((a["bytes"] for a in artifacts), default=0),
        },
        "size_budget": {
            "script_warning_bytes": SCRIPT_WARNING_BYTES,
            "scripts": scripts,
            "inline_policy_limit_characters": INLINE_POLICY_LIMIT,
            "policies": policies,
            "status": "WARN" if any(x["status"] == "WARN" for x in scripts + policies) else "OK",
        },
        "warnings": sorted(warnings),
    }
