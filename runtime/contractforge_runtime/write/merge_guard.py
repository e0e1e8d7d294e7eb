"""The key guard folded into the MERGE's source (merge-on-read hash diff): the batch is read once.

The counted key guard (key_check.py) and a backlog's reduction to the latest version of each key
(backlog.py) each run a job over a cached batch before MERGE reads it again. Into a merge-on-read
target the runner instead bets that the batch's keys are clean: one window over the merge keys
(ordered like the backlog when the batch has an order) is part of the MERGE's source, and a filter
over it raises (``KEYS_TRIPPED``) at the first row with a NULL key, a key on several rows or a
backlog tie. Every batch row passes that filter before the join, new and unchanged rows too (the
filter is one expression, so Spark can neither prune it nor move part of it). The window's shuffle
by key is the one the MERGE's join needs (its exchange is reused), so a clean batch costs a sort
pass, no cache and no job of its own. A tripped guard fails the MERGE's job before any commit; the
runner then runs the counted guard, which refuses the batch with its usual message
(run/batch.py ``_execute``).

The row count and the versions a backlog superseded come from an observed metric of that source
(``Observation``), delivered when the MERGE's query finishes.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from contractforge_runtime.environment.hidden_columns import SOURCE_MTIME, SOURCE_ORDER
from contractforge_runtime.environment.root_cause import chain
from contractforge_runtime.write.backlog import sequence_columns

KEYS_TRIPPED = "contractforge: a merge key to refuse reached a guarded MERGE"
_COUNT, _RANK, _TIE = "__cf_key_rows", "__cf_key_rank", "__cf_key_tie"
_OBSERVED_WAIT_SECONDS = 30.0  # the metric arrives with the MERGE query's end event (milliseconds)


@dataclass
class GuardedSource:
    df: object  # the batch with the guard (and the backlog's latest version per key), lazy
    observation: object  # rows (after the backlog reduction) and superseded versions
    recount: object  # the same two figures as an aggregation of the batch (one more read)

    def counts(self) -> dict:
        """{"rows", "superseded"} once the MERGE that read ``df`` has finished. When nothing changed,
        Spark's adaptive execution replaces the MERGE's empty plan (and its observed metric) with an
        empty relation: the batch is then counted, as it is when the metric does not arrive."""
        future = self.observation._jo.future()
        deadline = time.monotonic() + _OBSERVED_WAIT_SECONDS
        while not future.isCompleted() and time.monotonic() < deadline:
            time.sleep(0.002)
        row = future.value().get().get() if future.isCompleted() else None
        if row is None or row.length() == 0:
            row = self.recount.first()
            return {"rows": int(row[0] or 0), "superseded": int(row[1] or 0)}
        return {"rows": int(row.get(0) or 0), "superseded": int(row.get(1) or 0)}


def guarded_merge_source(df, write: dict, reader_order=()) -> GuardedSource | None:
    """``df`` reduced to the latest version of each merge key (when it has an order, backlog.py) with
    the key guard in its plan; None when the counted path must run (a key column missing, or a plan
    with non-deterministic expressions: MERGE would get it detached from its lineage, and the
    observed metric with it)."""
    from pyspark.sql import Observation, Window
    from pyspark.sql import functions as F

    keys = list(write.get("merge_keys") or ())
    if not keys or any(k not in df.columns for k in keys):
        return None
    if not df._jdf.queryExecution().analyzed().deterministic():
        return None
    carried = [c for c in SOURCE_ORDER if c in df.columns]
    order = sequence_columns(write, df.columns, reader_order) + (carried if SOURCE_MTIME in carried else [])
    by_key = Window.partitionBy(*[_col(k) for k in keys])
    null_key = F.lit(False)
    for key in keys:
        null_key = null_key | _col(key).isNull()
    if order:  # a backlog: the latest version of each key goes on; two versions with one order are refused
        ordered = by_key.orderBy(*[_col(c).desc_nulls_last() for c in order])
        position = F.struct(*[_col(c) for c in order])
        ranked = df.select(
            "*",
            F.row_number().over(ordered).alias(_RANK),
            F.coalesce(position == F.lag(position).over(ordered), F.lit(False)).alias(_TIE),
        )
        refused, kept = null_key | F.col(_TIE), F.col(_RANK) == 1
        superseded = F.sum(((F.col(_RANK) > 1) & ~F.col(_TIE)).cast("long"))
        rows = F.sum((F.col(_RANK) == 1).cast("long"))
        helpers = [_RANK, _TIE]
    else:
        ranked = df.select("*", F.count(F.lit(1)).over(by_key).alias(_COUNT))
        refused, kept = null_key | (F.col(_COUNT) > 1), F.lit(True)
        superseded, rows = F.lit(0).cast("long"), F.count(F.lit(1))
        helpers = [_COUNT]
    observation = Observation(f"cf_merge_source_{uuid.uuid4().hex[:12]}")
    observed = ranked.observe(observation, rows.alias("rows"), superseded.alias("superseded"))
    tripped = F.raise_error(F.lit(KEYS_TRIPPED))
    guarded = observed.where(F.when(refused, tripped).otherwise(kept)).drop(*helpers, *carried)
    return GuardedSource(guarded, observation, ranked.agg(rows, superseded))


def keys_tripped(error: BaseException) -> bool:
    """Whether ``error`` is a guarded MERGE meeting a key to refuse (nothing was committed)."""
    return KEYS_TRIPPED in str(error) or any(KEYS_TRIPPED in message for _, message in chain(error))


def _col(name: str):
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")
