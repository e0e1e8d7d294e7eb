"""Names derived on AWS (docs/planning.md#names), with the upstream doubled prefix fixed.

Every function is pure and deterministic. When a name would exceed an AWS limit it is cut
and suffixed with a short hash of the *full* name, so it stays stable and unique.

- Glue database     ``<catalog>_<schema>`` sanitised to ``[A-Za-z0-9_]`` (``default`` if empty)
- Iceberg identifier ``glue_catalog.<db>.<table>``
- Glue job          ``<project>-<step>`` (≤ 255, ``[A-Za-z0-9_.-]``), never a doubled prefix
- State machine     ``<project>`` or the declared override (≤ 80, ``[A-Za-z0-9_-]``)
- Schedule          ``<project>-schedule`` with ``_`` → ``-`` (≤ 64, ``[0-9a-zA-Z-_.]``)
- Lock table        ``<project>-locks`` (DynamoDB, ≤ 255, ``[A-Za-z0-9_.-]``)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

SPARK_CATALOG = "glue_catalog"
GLUE_JOB_NAME_MAX = 255
STATE_MACHINE_NAME_MAX = 80
SCHEDULE_NAME_MAX = 64
GLUE_DATABASE_NAME_MAX = 255
DYNAMODB_TABLE_NAME_MAX = 255

_NOT_DB_CHAR = re.compile(r"[^A-Za-z0-9_]+")
_NOT_JOB_CHAR = re.compile(r"[^A-Za-z0-9_.-]+")
_NOT_SFN_CHAR = re.compile(r"[^A-Za-z0-9_-]+")
_NOT_SCHEDULE_CHAR = re.compile(r"[^0-9A-Za-z_.-]+")


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def fit(name: str, limit: int, *, separator: str = "-") -> str:
    """``name`` unchanged when it fits, else a prefix plus a stable hash of the whole name."""
    if len(name) <= limit:
        return name
    suffix = separator + short_hash(name)
    return name[: limit - len(suffix)].rstrip("_.-") + suffix


def _sanitise(text: str, pattern: re.Pattern[str], replacement: str) -> str:
    return pattern.sub(replacement, text).strip("_.-" if replacement != "_" else "_")


def glue_database(catalog: str | None, schema: str | None) -> str:
    """Glue database for a target namespace: parts joined by ``_``; ``default`` when empty."""
    parts = [p for p in (catalog, schema) if p]
    name = _sanitise("_".join(parts), _NOT_DB_CHAR, "_")
    return fit(name, GLUE_DATABASE_NAME_MAX, separator="_") if name else "default"


def safe_table(table: str) -> str:
    return _sanitise(table, _NOT_DB_CHAR, "_") or "table"


def iceberg_identifier(database: str, table: str) -> str:
    return f"{SPARK_CATALOG}.{database}.{safe_table(table)}"


def namespace_location(warehouse: str, database: str) -> str:
    """``<warehouse>/<db>.db/`` with exactly one slash between parts and a trailing slash."""
    return f"{warehouse.rstrip('/')}/{database}.db/"


def evidence_database(declared: str | None, target_database: str) -> str:
    """Declared evidence database, else ``<target db>_ops`` (the renderer's rule, used everywhere)."""
    return declared or f"{target_database}_ops"


def _strip_leading_token(name: str, token: str) -> str:
    """Drop ``token`` from the head of ``name`` when it is already there (avoids ``x_x_…``)."""
    for sep in ("_", "-", "."):
        if token and name.lower().startswith(token.lower() + sep):
            return name[len(token) + 1 :]
    return name


def glue_job_name(project: str, step: str, override: str | None = None) -> str:
    """Readable, project-scoped job name; an explicit override is only sanitised and fitted."""
    if override:
        return fit(_sanitise(override, _NOT_JOB_CHAR, "-"), GLUE_JOB_NAME_MAX)
    project_part = _sanitise(project, _NOT_JOB_CHAR, "-") or "project"
    step_part = _sanitise(_strip_leading_token(step, project), _NOT_JOB_CHAR, "-") or "step"
    return fit(f"{project_part}-{step_part}", GLUE_JOB_NAME_MAX)


def state_machine_name(project: str, override: str | None = None) -> str:
    name = _sanitise(override or project, _NOT_SFN_CHAR, "-") or "contractforge"
    return fit(name, STATE_MACHINE_NAME_MAX)


def schedule_name(project: str) -> str:
    base = _sanitise(project.replace("_", "-"), _NOT_SCHEDULE_CHAR, "-") or "contractforge"
    suffix = "-schedule"
    return fit(base + suffix, SCHEDULE_NAME_MAX)


def lock_table_name(project: str) -> str:
    """The project's DynamoDB lock table (created by the compiled root, named in every run plan)."""
    base = _sanitise(project, _NOT_JOB_CHAR, "-") or "contractforge"
    return fit(base + "-locks", DYNAMODB_TABLE_NAME_MAX)


def make_unique(names: Iterable[str], limit: int = GLUE_JOB_NAME_MAX) -> list[str]:
    """Keep order; a name already taken (after sanitising/truncation) gets a hash suffix of its
    position-independent content plus an index so two distinct inputs never collide."""
    seen: set[str] = set()
    result: list[str] = []
    for index, name in enumerate(names):
        candidate = name
        if candidate in seen:
            candidate = fit(f"{name}-{short_hash(f'{name}#{index}', 6)}", limit)
        seen.add(candidate)
        result.append(candidate)
    return result
