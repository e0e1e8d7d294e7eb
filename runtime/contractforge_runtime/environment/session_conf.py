"""Spark session settings that hold for the duration of one run and are restored afterwards."""

from __future__ import annotations

import threading
from contextlib import contextmanager

# The run caches its batch once and reads it a few times within minutes: building uncompressed
# in-memory columns costs about half of compressing them (1M rows: 1.7 s vs 3.4 s); the cache
# spills to disk (MEMORY_AND_DISK) rather than failing when memory is short.
# The CSV parser flags rows with too few or too many fields as malformed only when it parses every
# column (sources/text_files.py), so its column pruning is off during a run.
RUN_SESSION_CONF = {
    "spark.sql.inMemoryColumnarStorage.compressed": "false",
    "spark.sql.csv.parser.columnPruning.enabled": "false",
}
# Runs of a pack share one session from several threads: the first run in sets the settings, the
# last one out restores them (a run finishing early must not take them from one still running).
_lock = threading.Lock()
_holders: dict[int, list] = {}  # id(spark) → [count, previous values]


@contextmanager
def run_session_conf(spark):
    """``RUN_SESSION_CONF`` for the duration of a run, restored when the last run of the session ends."""
    with _lock:
        holder = _holders.setdefault(id(spark), [0, None])
        if holder[0] == 0:
            holder[1] = {key: spark.conf.get(key, None) for key in RUN_SESSION_CONF}
            for key, value in RUN_SESSION_CONF.items():
                spark.conf.set(key, value)
        holder[0] += 1
    try:
        yield
    finally:
        with _lock:
            holder[0] -= 1
            if holder[0] == 0:
                for key, value in _holders.pop(id(spark))[1].items():
                    if value is None:
                        spark.conf.unset(key)
                    else:
                        spark.conf.set(key, value)
