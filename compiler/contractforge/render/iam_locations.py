"""The S3 locations and catalog tables one Glue job touches, read from its run plan (render/iam.py turns
them into policy resources): source prefixes it reads, table / evidence / checkpoint prefixes it writes,
the project tables it reads upstream."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from contractforge.project_plan import ProjectPlan, StepPlan
from contractforge.render.layout import split_s3_uri
from contractforge.source_families import FAMILIES, tables_read

GLOB_CHARS = re.compile(r"[*?\[{]")


def _s3_prefix(uri: str) -> str | None:
    """The literal prefix of a (possibly globbed) s3:// path; None for anything else."""
    if not isinstance(uri, str) or not uri.startswith("s3://"):
        return None
    literal = GLOB_CHARS.split(uri, maxsplit=1)[0]
    if "{{" in uri and "{{" not in literal:
        literal = uri.split("{{", 1)[0]
    bucket, _ = split_s3_uri(literal)
    return literal if bucket else None


def source_read_prefixes(run_plan: dict[str, Any]) -> list[str]:
    source = run_plan.get("source") or {}
    paths: list[Any] = []
    family = FAMILIES.get(source.get("family"))
    if family is not None and family.reads_source_path:
        path = source.get("path")
        paths.extend(path if isinstance(path, list) else [path])
    return sorted({p for p in map(_s3_prefix, paths) if p})


def write_prefixes(run_plan: dict[str, Any]) -> list[str]:
    target, evidence, source = (
        run_plan.get("target") or {},
        run_plan.get("evidence") or {},
        run_plan.get("source") or {},
    )
    prefixes = []
    if target.get("location") and target.get("identifier"):
        prefixes.append(_table_location(target["location"], target["identifier"]))
    if evidence.get("location"):
        prefixes.append(_directory(evidence["location"]))
    checkpoint = _s3_prefix(source.get("checkpoint_location"))
    if checkpoint:
        prefixes.append(_directory(checkpoint))
    return sorted(set(prefixes))


def _table_location(database_location: str, identifier: str) -> str:
    """Glue's Iceberg catalog puts a table at ``<database location>/<table>/``."""
    return f"{_directory(database_location)}{identifier.rsplit('.', 1)[-1]}/"


def _directory(uri: str) -> str:
    return uri if uri.endswith("/") else uri + "/"


def read_identifiers(run_plan: dict[str, Any]) -> list[str]:
    identifiers = tables_read(run_plan.get("source") or {})
    return sorted({i for i in identifiers if isinstance(i, str) and i.count(".") == 2})


@dataclass(frozen=True)
class ProjectTables:
    """Per project, computed once: Iceberg identifier → S3 table location of every target, and
    target identifier → the steps writing it (in plan order)."""

    locations: dict[str, str]
    writers: dict[str | None, list[StepPlan]]


def project_tables(plan: ProjectPlan) -> ProjectTables:
    tables: dict[str, str] = {}
    writers: dict[str | None, list[StepPlan]] = {}
    for other in plan.steps:
        target = (other.run_plan or {}).get("target") or {}
        writers.setdefault(target.get("identifier"), []).append(other)
        if target.get("identifier") and target.get("location"):
            tables[target["identifier"]] = _table_location(target["location"], target["identifier"])
    return ProjectTables(tables, writers)


def upstream_read_prefixes(tables: dict[str, str], step: StepPlan) -> list[str]:
    """Locations of project tables this step reads; tables outside the project get catalog access only."""
    own = ((step.run_plan or {}).get("target") or {}).get("identifier")
    return sorted({tables[i] for i in read_identifiers(step.run_plan or {}) if i in tables and i != own})
