"""Source families: each family of ``source.type`` declared once, with everything every stage
needs — its types, validation check and accepted ``limits`` (validation), read kind, planning
notes, Glue bookmarks and run-plan ``source`` section (planner), IAM needs (render).

Takes a source mapping (or a resolved contract mapping for ``read_kind``); returns the family
(``FAMILIES[name]``, ``family_of``) and its ``ReadKind``. Below every stage but errors/naming:
it imports no stage. A new family: one module here + one line in ``registry.py`` (and its reader
in the runtime's ``sources``). See docs/sources.md.
"""

from contractforge.source_families.family import ReadKind, SectionInputs, SourceFamily
from contractforge.source_families.registry import (
    FAMILIES,
    FAMILY_OF,
    KNOWN_TYPES,
    MALFORMED_CAPTURING,
    family_of,
    read_kind,
    tables_read,
)
from contractforge.source_families.vocabulary import canonical_type, raw_type, source_mapping

__all__ = [
    "FAMILIES",
    "FAMILY_OF",
    "KNOWN_TYPES",
    "MALFORMED_CAPTURING",
    "ReadKind",
    "SectionInputs",
    "SourceFamily",
    "canonical_type",
    "family_of",
    "raw_type",
    "read_kind",
    "source_mapping",
    "tables_read",
]
