"""Each source family is declared once (contractforge.source_families) and is complete: a type
belongs to one family, and every family the runtime can read has a run-plan section."""

from __future__ import annotations

from contractforge.source_families import FAMILIES, FAMILY_OF, KNOWN_TYPES, ReadKind
from contractforge_runtime.sources import BUILTIN_MODULES


def test_every_type_belongs_to_exactly_one_family() -> None:
    declared = [t for family in FAMILIES.values() for t in family.types]
    assert len(declared) == len(set(declared)) == len(FAMILY_OF) == len(KNOWN_TYPES)


def test_every_family_the_runtime_reads_has_a_run_plan_section() -> None:
    readable = {name for name in FAMILIES if name in BUILTIN_MODULES}
    assert readable, "the runtime registers readers under the family names"
    assert all(FAMILIES[name].section is not None for name in readable)


def test_families_without_a_runtime_reader_say_so_when_planned() -> None:
    unreadable = [f for f in FAMILIES.values() if f.name not in BUILTIN_MODULES and f.name != "connection"]
    assert unreadable and all(f.section is None for f in unreadable)
    for family in unreadable:
        assert family.notes({}, {}, ReadKind(family.name, family.types[0], None)), family.name
