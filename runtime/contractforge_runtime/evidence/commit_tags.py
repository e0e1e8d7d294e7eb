"""Keys a run puts in the summary of its target commits, and the evidence rows rebuilt from them.

The write stage tags every target commit (write/commit_properties.py); sources add the files a commit
consumed; reconciliation (reliability/reconcile.py) reads the tags back when a run was killed after
its target commit but before its evidence. The keys live here, below all three, so none of them
imports another stage for a name.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

RUN_ID_PROPERTY = "contractforge.run_id"
FILES_PROPERTY = "contractforge.files"  # processed-files ledger entries of the commit (recovery)
WATERMARK_PROPERTY = "contractforge.watermark"  # {"column", "current"} the commit reached (recovery)
# A ctrl_ingestion_runs commit that records a run's outcome (SUCCESS / SKIPPED) carries
# ``contractforge.recorded.<target>: <run id>``: reconciliation sees that the target's newest commit
# has its runs row from the runs table's metadata, without reading its rows.
RECORDED_FAMILY = "contractforge.recorded."


def recorded_properties(target_table: str, run_id: str) -> dict[str, str]:
    return {RECORDED_FAMILY + target_table: run_id}


def ledger_rows(target_table: str, run_id: str, entries_json: str, now: datetime) -> list[dict]:
    """``ctrl_ingestion_files`` rows from a snapshot's FILES_PROPERTY (reconciliation of a run
    killed after its target commit, before its ledger rows)."""
    return [
        {
            "target_table": target_table,
            "file_path": path,
            "file_size": size,
            "file_modified_at": datetime.fromtimestamp(ms / 1000, tz=UTC),
            "run_id": run_id,
            "processed_at_utc": now,
        }
        for path, size, ms in json.loads(entries_json)
    ]
