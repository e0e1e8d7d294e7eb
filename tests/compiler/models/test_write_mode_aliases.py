"""Write-mode aliases → canonical names (docs/contract-language.md#write-modes)."""

from __future__ import annotations

import pytest
from contractforge.models import IngestionContract, canonical_mode
from pydantic import ValidationError


@pytest.mark.parametrize(
    "given, canonical",
    [
        ("append", "scd0_append"),
        ("overwrite", "scd0_overwrite"),
        ("upsert", "scd1_upsert"),
        ("merge_current", "scd1_upsert"),
        ("hash_diff_upsert", "scd1_hash_diff"),
        ("hash-diff-upsert", "scd1_hash_diff"),
        ("HASH_DIFF_UPSERT", "scd1_hash_diff"),
        ("historical", "scd2_historical"),
        ("snapshot_reconcile_soft_delete", "snapshot_soft_delete"),
        ("scd1_upsert", "scd1_upsert"),
        ("SCD0-APPEND", "scd0_append"),
        ("custom:my_merge", "custom:my_merge"),
    ],
)
def test_aliases_map_to_canonical_names(given, canonical):
    assert canonical_mode(given) == canonical
    contract = IngestionContract.model_validate({"source": "t", "target": {"table": "x"}, "mode": given})
    assert contract.mode == canonical


@pytest.mark.parametrize("bad", ["scd2", "merge", "custom:", "", "append2"])
def test_unknown_modes_are_rejected(bad):
    assert canonical_mode(bad) is None
    with pytest.raises(ValidationError, match="expected one of: append, overwrite"):
        IngestionContract.model_validate({"source": "t", "target": {"table": "x"}, "mode": bad})


def test_default_mode_is_append():
    assert IngestionContract.model_validate({"source": "t", "target": {"table": "x"}}).mode == "scd0_append"
