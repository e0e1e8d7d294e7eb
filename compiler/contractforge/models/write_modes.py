"""Write modes (docs/contract-language.md#write-modes): public aliases, canonical names, and the lookup
between them.

Lookup lowercases and maps ``-`` to ``_`` (``HASH-DIFF-UPSERT`` → ``scd1_hash_diff``); canonical
names are accepted as input; ``custom:<name>`` is kept verbatim. Models store the canonical name.
"""

from __future__ import annotations

from pydantic_core import PydanticCustomError

APPEND = "scd0_append"
OVERWRITE = "scd0_overwrite"
UPSERT = "scd1_upsert"
HASH_DIFF = "scd1_hash_diff"
HISTORICAL = "scd2_historical"
SNAPSHOT = "snapshot_soft_delete"

CANONICAL_MODES = (APPEND, OVERWRITE, UPSERT, HASH_DIFF, HISTORICAL, SNAPSHOT)

MODE_ALIASES: dict[str, str] = {
    "append": APPEND,
    "overwrite": OVERWRITE,
    "upsert": UPSERT,
    "merge_current": UPSERT,
    "hash_diff_upsert": HASH_DIFF,
    "historical": HISTORICAL,
    "snapshot_reconcile_soft_delete": SNAPSHOT,
}
PUBLIC_MODES = tuple(MODE_ALIASES)

# Modes whose MERGE needs row identity; merge keys then imply unique_key + not_null
# (docs/contract-language.md#write-modes).
KEYED_MODES = frozenset({UPSERT, HASH_DIFF, HISTORICAL, SNAPSHOT})

_EXPECTED = (
    ", ".join(PUBLIC_MODES) + ", custom:<name> (or a canonical name: " + ", ".join(CANONICAL_MODES) + ")"
)


def canonical_mode(value: str) -> str | None:
    """Canonical name for an alias/canonical/custom mode, ``None`` when unknown."""
    text = value.strip()
    if text.lower().startswith("custom:"):
        name = text.split(":", 1)[1].strip()
        return f"custom:{name}" if name else None
    key = text.lower().replace("-", "_")
    if key in MODE_ALIASES:
        return MODE_ALIASES[key]
    if key in CANONICAL_MODES:
        return key
    return None


def validate_mode(value: object) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "mode_type", "expected a write mode string; expected one of: {expected}", {"expected": _EXPECTED}
        )
    canonical = canonical_mode(value)
    if canonical is None:
        raise PydanticCustomError(
            "unknown_mode",
            "unknown write mode '{value}'; expected one of: {expected}",
            {"value": value, "expected": _EXPECTED},
        )
    return canonical
