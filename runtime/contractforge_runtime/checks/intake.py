"""Rows that cannot enter: records a reader could not parse and values a declared cast could not.

Both are quarantined where they enter (docs/evidence-and-reliability.md#malformed-records):

- ``malformed_record``: a CSV row with too few or too many fields, a JSON line that does not
  parse. The reader keeps the raw record in ``MALFORMED`` (sources/text_files.py); the quarantine
  row holds it as ``record_payload`` and the file it came from in ``record_ref``. With
  ``malformed_records: fail`` the run fails instead, naming the file and the first record.
- ``cast_failed``: a value that is neither NULL nor blank and is NULL once cast (``2024-13-45`` as a
  timestamp). ``prepare.cast`` keeps ``{column: raw value}`` in ``CAST_FAILED``; the quarantine row
  holds the record with the raw values in place of the NULLs.

Quarantine rows are keyed by (target, rule, record_ref, record_payload) and written with MERGE, so a
re-delivered file or a recovery run adds nothing (evidence/store.py ``insert_missing``).
"""

from __future__ import annotations

from dataclasses import dataclass

from contractforge_runtime.environment.hidden_columns import CAST_FAILED, MALFORMED, SOURCE_FILE
from contractforge_runtime.environment.root_cause import chain
from contractforge_runtime.environment.sql_text import quoted, string_literal

MALFORMED_RULE, CAST_FAILED_RULE = "malformed_record", "cast_failed"
QUARANTINE_KEY = ("target_table", "rule_name", "record_ref", "record_payload")
FAIL, QUARANTINE = "fail", "quarantine"
GUARD_TRIPPED = "contractforge: a row to quarantine reached a guarded read"
_SHOWN = 200  # characters of a raw record shown in an error message


class MalformedRecordsError(ValueError):
    """The contract asks to fail on malformed records and the input has some."""


@dataclass
class Split:
    df: object  # the rows that go on
    quarantine: object | None = None  # quarantine columns (rule_name … reason), or None
    rows: int = 0  # rows quarantined
    total: int | None = None  # rows of the batch before the split, when counted with it


def split_malformed(df, policy: str | None) -> Split:
    """Rows the reader flagged out of ``df`` (which the caller has persisted)."""
    from pyspark.sql import functions as F

    if MALFORMED not in df.columns:
        return Split(df)
    flagged = F.col(MALFORMED).isNotNull()
    # Spark refuses a query of a raw CSV / JSON file that reads only the corrupt-record column.
    data = [c for c in df.columns if not c.startswith("__cf_")][:1]
    bad = df.where(flagged).select(MALFORMED, *_source_file(df), *[_col(c) for c in data])
    good = df.where(~flagged).drop(MALFORMED)
    rows = bad.count()
    if not rows:
        return Split(good)
    if (policy or QUARANTINE) == FAIL:
        raise MalformedRecordsError(_fail_message(bad, rows))
    reference = F.lit(None).cast("string")
    if SOURCE_FILE in df.columns:
        reference = F.to_json(F.struct(F.col(SOURCE_FILE).alias("file")))
    quarantine = bad.select(
        F.lit(MALFORMED_RULE).alias("rule_name"),
        F.lit("the reader could not parse this record (wrong number of fields or invalid syntax)").alias(
            "error_reason"
        ),
        F.col(MALFORMED).alias("record_payload"),
        reference.alias("record_ref"),
        F.lit("malformed record").alias("reason"),
    )
    return Split(good, quarantine, rows)


def split_cast_failures(df, record_keys: list[str]) -> Split:
    """Rows whose declared casts failed, out of the prepared (persisted) batch."""
    from pyspark.sql import functions as F

    if CAST_FAILED not in df.columns:
        return Split(df)
    failed = F.col(CAST_FAILED).isNotNull()
    bad = df.where(failed)
    # one pass counts the batch and its failed casts (the batch's row count comes with it)
    total, rows = df.agg(F.count(F.lit(1)), F.count(CAST_FAILED)).first()
    good = df.where(~failed).drop(CAST_FAILED)
    if not rows:
        return Split(good, total=total)
    data = [c for c in good.columns if not c.startswith("__cf_")]
    raw = F.col(CAST_FAILED)
    payload = F.struct(*[F.coalesce(raw[c], _col(c).cast("string")).alias(c) for c in sorted(data)])
    keys = [k for k in record_keys if k in data]
    reference = F.to_json(F.struct(*[_col(k) for k in keys])) if keys else F.lit(None).cast("string")
    reasons = F.transform(
        F.map_entries(raw), lambda e: F.concat(e["key"], F.lit("='"), e["value"], F.lit("'"))
    )
    quarantine = bad.select(
        F.lit(CAST_FAILED_RULE).alias("rule_name"),
        F.concat(F.lit("declared cast cannot parse: "), F.array_join(reasons, ", ")).alias("error_reason"),
        F.to_json(payload, {"ignoreNullFields": "false"}).alias("record_payload"),
        reference.alias("record_ref"),
        F.concat(F.lit("cast failed: "), F.array_join(F.map_keys(raw), ",")).alias("reason"),
    )
    return Split(good, quarantine, rows, total)


def guarded(df, column: str, what: str):
    """``df`` without ``column``, read on the bet that no row has it set: the job that reads a row
    with ``column`` set fails (``GUARD_TRIPPED``) before anything is committed, and the caller then
    splits the rows off the counted way (``split_malformed`` / ``split_cast_failures``). A batch
    without such rows is neither cached nor counted for them: its first job is the write (or the
    key guard's aggregation)."""
    if column not in df.columns:
        return df
    # as SQL text: two py4j round trips instead of ~20 for the same expression built from functions
    tripped = f"raise_error({string_literal(f'{GUARD_TRIPPED} ({what})')})"
    return df.where(f"CASE WHEN {quoted(column)} IS NOT NULL THEN {tripped} ELSE true END").drop(column)


def guard_tripped(error: BaseException) -> bool:
    """Whether ``error`` is a guarded read meeting a row to quarantine (nothing was written)."""
    return GUARD_TRIPPED in str(error) or any(GUARD_TRIPPED in message for _, message in chain(error))


def _source_file(df) -> list[str]:
    return [SOURCE_FILE] if SOURCE_FILE in df.columns else []


def _fail_message(bad, rows: int) -> str:
    first = bad.limit(1).collect()[0]
    record = str(first[MALFORMED]).rstrip("\r\n")
    shown = record if len(record) <= _SHOWN else record[:_SHOWN] + "…"
    where = f" in {first[SOURCE_FILE]}" if SOURCE_FILE in first.asDict() else ""
    return (
        f"{rows} malformed record(s) the reader could not parse (wrong number of fields or invalid "
        f"syntax){where}, e.g. {shown!r}; set extensions.aws.read.malformed_records: quarantine to "
        f"quarantine them and load the rest"
    )


def _col(name: str):
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")
