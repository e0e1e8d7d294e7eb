"""Evidence commits tagged in their snapshot summary: a run reads its target's latest state tag and its
step's deployment hash from the table metadata, and falls back to the rows whenever the metadata
cannot tell (another writer's untagged append)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from contractforge_runtime.evidence import state
from contractforge_runtime.evidence.schema import STATE
from contractforge_runtime.evidence.store import EvidenceStore

pytestmark = pytest.mark.slow


def _state_row(target: str, snapshots: str | None) -> dict:
    return {
        "target_table": target,
        "last_run_id": uuid.uuid4().hex,
        "last_status": "SUCCESS",
        "last_updated_at_utc": datetime.now(UTC),
        "input_snapshots_json": snapshots,
    }


def test_the_latest_tag_of_a_target_is_read_past_other_targets_commits(spark):
    store = EvidenceStore(spark, f"cf_tag_{uuid.uuid4().hex[:8]}")
    assert state.recorded_snapshots(store, "t.a") is None  # no table yet
    for row in (_state_row("t.a", '{"old": 1}'), _state_row("t.a", '{"new": 2}'), _state_row("t.b", None)):
        store.append(STATE, [row], state.commit_properties(row))
    assert state.recorded_snapshots(store, "t.a") == '{"new": 2}'
    assert state.recorded_snapshots(store, "t.b") == ""  # its latest row records no snapshots
    assert state.recorded_snapshots(store, "t.c") is None  # never written: the rows decide

    store.append(STATE, [_state_row("t.a", '{"untagged": 3}')])  # e.g. an older runtime's append
    assert state.recorded_snapshots(store, "t.a") is None
    assert state.latest_state(store, "t.a")["input_snapshots_json"] == '{"untagged": 3}'
