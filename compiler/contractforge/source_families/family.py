"""What a source family is: one ``SourceFamily`` per family, declared once in its own module
(``catalog.py``, ``files.py``, ``http.py``, ``jdbc.py``, ``stream.py``, ``unsupported.py``) with
everything each stage needs to know about it. Stages look a family up; none lists families."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class ProblemSink(Protocol):
    """What a check reports to (``contractforge.validation.locate.Problems``)."""

    def add(
        self, path: tuple, message: str, *, suggestion: str | None = None, code: str | None = None
    ) -> None: ...


@dataclass(frozen=True)
class ReadKind:
    """How a source will actually be read: the effective family after intent and trigger."""

    family: str  # a SourceFamily name (or "unknown")
    type: str  # canonical type name
    format: str | None  # canonical file format / kafka / eventhubs
    available_now: bool = False  # a streaming job with trigger(availableNow=True)
    checkpoint_location: str | None = None


@dataclass(frozen=True)
class SectionInputs:
    """What a run-plan source section may need besides the source mapping and its read kind."""

    resolve_ref: Callable[..., str]  # (layer, table, schema, catalog, path) → Iceberg identifier
    substitute_sql: Callable[[str, tuple], tuple[str, list[str]]]  # (sql, path) → (sql, inputs)
    default_database: str | None = None  # the step's target database (bare catalog table names)


Note = tuple[str, tuple, str | None]  # (diagnostic code, key path, message or None for the default)
Check = Callable[[ProblemSink, dict[str, Any]], None]
Section = Callable[[dict[str, Any], ReadKind, SectionInputs], dict[str, Any]]
Notes = Callable[[dict[str, Any], dict[str, Any], ReadKind], list[Note]]
IamStatements = Callable[[dict[str, Any], Any, Callable[..., dict]], list[dict]]


def _no_notes(contract: dict[str, Any], source: dict[str, Any], kind: ReadKind) -> list[Note]:
    return []


def _no_statements(run_plan: dict[str, Any], context: Any, statement: Callable[..., dict]) -> list[dict]:
    return []


@dataclass(frozen=True)
class SourceFamily:
    name: str
    types: tuple[str, ...]  # the ``source.type`` values of the family (aliases included)
    check: Check | None = None  # validation: required keys, enums, exclusivity (ProblemSink, source)
    limits: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # type or family → ``limits`` keys
    section: Section | None = None  # planner: the run plan's ``source`` section (beyond type/family)
    notes: Notes = _no_notes  # planner: coded diagnostics about this family on AWS
    glue_bookmarks: bool = False  # planner: Glue job bookmarks are on unless switched off
    reads_source_path: bool = False  # IAM: s3:GetObject under the run plan's ``source.path``
    reads_catalog_table: bool = False  # IAM: Glue catalog read of ``source.table`` (and its location)
    iam_statements: IamStatements = _no_statements  # IAM: family-specific statements
