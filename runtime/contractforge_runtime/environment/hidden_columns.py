"""Columns the runtime adds to a batch for its own use and removes before quality and the write.

- ``MALFORMED``: the raw record a file reader could not parse (set on that row only);
- ``SOURCE_MTIME`` / ``SOURCE_FILE``: the file a row came from, when a read spans several files
  (the source order a backlog is applied in, write/backlog.py);
- ``CAST_FAILED``: per row, the values a declared cast could not parse, as JSON ``{column: raw}``.

Preparation carries ``CARRIED`` through the steps that select columns (prepare/pipeline.py).
"""

from __future__ import annotations

MALFORMED = "__cf_malformed_record"
SOURCE_MTIME, SOURCE_FILE = "__cf_source_mtime", "__cf_source_file"
SOURCE_ORDER = (SOURCE_MTIME, SOURCE_FILE)
CAST_FAILED = "__cf_cast_failed"
CARRIED = (*SOURCE_ORDER, CAST_FAILED)


def carried(df) -> list[str]:
    return [c for c in CARRIED if c in df.columns]
