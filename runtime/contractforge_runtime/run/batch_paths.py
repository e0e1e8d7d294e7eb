"""Which way a batch is read: the bets the runner may place on a clean batch.

Each answers, before anything is read, whether a job can do two things at once and fail before any
commit when the bet is lost (the runner then reads the batch again the counted way, run/batch.py):
the write as the batch's only reader (``single_pass``), malformed records and failed casts checked
by the first job (``guarded``), the merge-key guard inside the MERGE's source (``keys_in_merge``).
"""

from __future__ import annotations

from contractforge_runtime.environment.hidden_columns import MALFORMED
from contractforge_runtime.write import writes
from contractforge_runtime.write.iceberg_tables import current_snapshot, merge_on_read, table_exists


def single_pass(run) -> bool:
    """Append or overwrite without quality rules (and not a dry run): the write is the batch's only
    reader, so the batch is neither cached nor counted; the row count comes from the commit.
    Rows that may have to be split off before the write (malformed records, failed casts) are
    guarded (``guarded``): the write fails on the first one, and the run takes the counted path."""
    return (
        run.view.write.mode in (writes.APPEND, writes.OVERWRITE)
        and not (run.plan.get("quality") or {}).get("rules")
        and not run.view.run.dry_run
    )


def guarded(run, source) -> bool:
    """Whether the batch is read on the bet that no row is to be split off (checks/intake.py
    ``guarded``): a source that flags malformed records or a preparation with declared casts, no
    quality rules, and a mode whose first job over the batch is the write (append, overwrite) or the
    key guard's aggregation (upsert, hash diff). The bet lost costs that one job, then the run
    takes the counted path."""
    return (
        run.view.write.mode in (writes.APPEND, writes.OVERWRITE, writes.UPSERT, writes.HASH_DIFF)
        and not (run.plan.get("quality") or {}).get("rules")
        and not run.view.run.dry_run
        and (MALFORMED in source.df.columns or bool(run.view.preparation.cast))
    )


def keys_in_merge(run) -> bool:
    """Whether the key guard rides in the MERGE's source (write/merge_guard.py): hash diff into a
    merge-on-read target that has data (one MERGE, counts from its commit), without quality rules
    (which would read the batch first) and not a dry run. The bet lost (a NULL or repeated key)
    costs the MERGE's job, then the run takes the counted path."""
    target = run.result.target_table
    return (
        run.view.write.mode == writes.HASH_DIFF
        and not (run.plan.get("quality") or {}).get("rules")
        and not run.view.run.dry_run
        and table_exists(run.spark, target)
        and current_snapshot(run.spark, target) is not None
        and merge_on_read(run.spark, target)
    )
