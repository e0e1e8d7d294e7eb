"""Where every artifact lives: in the build tree (``artifacts/...``) and in S3 (``<artifacts_uri><key>``).

Build tree (relative to the compiled root)::

    artifacts/plans/<step>.json                              run plan (uploaded)
    artifacts/runner/contractforge_glue_entry.py             stable Glue entry script (uploaded)
    artifacts/runtime/contractforge_runtime-<version>.zip    runtime package (uploaded)
    artifacts/review/<step>/...                              per-step review artifacts (not uploaded)
    artifacts/orchestration/state_machine.asl.json           Step Functions definition
    artifacts/ddl/evidence.{athena,spark}.sql                evidence DDL (one evidence database)
    artifacts/manifest.json                                  deployment manifest (uploaded)

S3 keys of the runner and the runtime zip contain the first 16 hex digits of their sha256, so
the script a reviewer read is the one Glue executes (a changed script is a new object and a
changed ``ScriptLocation``). Run plans keep a stable key per step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ARTIFACTS_DIR = "artifacts"
RUNNER_FILE = "contractforge_glue_entry.py"
HASH_DIGITS = 16
_NOT_FILE_CHAR = re.compile(r"[^A-Za-z0-9_.-]+")


def step_file_stem(step_name: str) -> str:
    """A file-system safe stem for a step name (step names are unique in a project)."""
    return _NOT_FILE_CHAR.sub("_", step_name).strip(".") or "step"


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/a/b`` → (``bucket``, ``a/b``)."""
    if not uri.startswith("s3://"):
        raise ValueError(f"not an s3:// URI: {uri!r}")
    bucket, _, key = uri[len("s3://") :].partition("/")
    return bucket, key


@dataclass(frozen=True)
class ArtifactKeys:
    """Keys (relative to the artifact prefix) of what a Glue job reads at run time."""

    runner_key: str
    runtime_zip_key: str

    @staticmethod
    def plan_key(step_name: str) -> str:
        return f"plans/{step_file_stem(step_name)}.json"


def runner_key(runner_sha256: str) -> str:
    return f"runner/{runner_sha256[:HASH_DIGITS]}/{RUNNER_FILE}"


def runtime_zip_key(zip_name: str, zip_sha256: str) -> str:
    return f"runtime/{zip_sha256[:HASH_DIGITS]}/{zip_name}"


@dataclass(frozen=True)
class ArtifactLocation:
    """The artifact bucket and key prefix (``s3://bucket/prefix/``)."""

    bucket: str
    prefix: str  # "" or ending with "/"

    @classmethod
    def from_uri(cls, uri: str) -> ArtifactLocation:
        bucket, key = split_s3_uri(uri)
        prefix = key if not key or key.endswith("/") else key + "/"
        return cls(bucket, prefix)

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def object_uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{self.prefix}{key}"
