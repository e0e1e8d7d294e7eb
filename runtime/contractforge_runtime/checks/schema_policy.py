"""schema_policy enforcement: compare the prepared source with the target table before writing.

The original's schema_policy semantics, made enforceable on Iceberg (docs/schema-policy.md):

- ``strict``: any added, removed or retyped column is refused.
- ``additive_only``: new source columns are added to the table; a type change is allowed only
  when it widens the target column *and* Iceberg can widen it in place; removed columns and every
  other type change are refused.
- ``permissive``: like additive_only, plus target columns missing from the source are written
  NULL, and a source column narrower than its target column (e.g. int into bigint) is cast up.

Widening (target type → source type): smaller → larger integer, float → double, int/bigint →
double, date → timestamp, decimal precision/scale growth. Iceberg widens in place only int →
bigint, float → double and decimal precision growth at equal scale; the other widenings would need
a table rewrite and casting the source down would lose data, so they are refused with a reason.
Target-only control columns (row_hash, ingestion_*, source_system, _cf_*) never count as removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from contractforge_runtime.environment import iceberg_java
from contractforge_runtime.environment.root_cause import chain

POLICIES = ("strict", "additive_only", "permissive")
CONTROL_COLUMNS = frozenset({"row_hash", "ingestion_date", "source_system", "ingestion_sequence"})
CONTROL_PREFIXES = ("ingestion_", "_cf_")
_MISSING = ("NoSuchTable", "NoSuchNamespace", "TABLE_OR_VIEW_NOT_FOUND", "SCHEMA_NOT_FOUND")

# Actions: what the runtime does about an allowed change.
ADD_COLUMN_DDL = "alter_table_add_column"
WIDEN_COLUMN_DDL = "alter_column_type"
CAST_SOURCE = "cast_source_to_target"
FILL_NULL = "write_null"
REFUSE = "refuse"


@dataclass
class SchemaChange:
    change_type: str  # ADD_COLUMN | DROP_COLUMN | TYPE_CHANGE
    column_name: str
    source_type: str | None
    target_type: str | None
    allowed: bool
    reason: str
    action: str = REFUSE
    applied: bool = False  # set by apply() once the DDL ran


@dataclass
class SchemaDiff:
    changes: list[SchemaChange] = field(default_factory=list)
    policy: str = "additive_only"
    target_exists: bool = True

    @property
    def refused(self) -> list[SchemaChange]:
        return [c for c in self.changes if not c.allowed]

    def error_message(self) -> str:
        items = "; ".join(f"{c.change_type} {c.column_name}: {c.reason}" for c in self.refused)
        return f"schema_policy {self.policy} refused {len(self.refused)} change(s): {items}"


class SchemaPolicyError(ValueError):
    """Raised before any write when the policy refuses a change; carries the diff for evidence."""

    def __init__(self, diff: SchemaDiff):
        super().__init__(diff.error_message())
        self.diff = diff


def is_control_column(name: str) -> bool:
    lowered = name.lower()
    return lowered in CONTROL_COLUMNS or lowered.startswith(CONTROL_PREFIXES)


def _normalised(data_type):
    """Types Iceberg stores identically compare equal (tinyint/smallint are ints, char/varchar strings)."""
    from pyspark.sql import types as T

    if isinstance(data_type, T.ByteType | T.ShortType):
        return T.IntegerType()
    if isinstance(data_type, T.CharType | T.VarcharType):
        return T.StringType()
    return data_type


def is_widening(from_type, to_type) -> bool:
    """True when every value of ``from_type`` is representable in ``to_type`` (docs/schema-policy.md)."""
    from pyspark.sql import types as T

    from_type, to_type = _normalised(from_type), _normalised(to_type)
    integral = (T.IntegerType, T.LongType)
    if isinstance(from_type, T.IntegerType) and isinstance(to_type, T.LongType):
        return True
    if isinstance(from_type, T.FloatType) and isinstance(to_type, T.DoubleType):
        return True
    if isinstance(from_type, integral) and isinstance(to_type, T.DoubleType):
        return True
    if isinstance(from_type, T.DateType) and isinstance(to_type, T.TimestampType | T.TimestampNTZType):
        return True
    if isinstance(from_type, T.DecimalType) and isinstance(to_type, T.DecimalType):
        integer_digits_grow = (to_type.precision - to_type.scale) >= (from_type.precision - from_type.scale)
        return to_type.scale >= from_type.scale and integer_digits_grow and from_type != to_type
    return False


def iceberg_widens_in_place(from_type, to_type) -> bool:
    """The type promotions Iceberg's ALTER COLUMN TYPE accepts (no data rewrite)."""
    from pyspark.sql import types as T

    from_type, to_type = _normalised(from_type), _normalised(to_type)
    if isinstance(from_type, T.IntegerType) and isinstance(to_type, T.LongType):
        return True
    if isinstance(from_type, T.FloatType) and isinstance(to_type, T.DoubleType):
        return True
    return (
        isinstance(from_type, T.DecimalType)
        and isinstance(to_type, T.DecimalType)
        and to_type.scale == from_type.scale
        and to_type.precision > from_type.precision
    )


def diff(source, target, policy: str) -> SchemaDiff:
    """Compare ``source`` (prepared DataFrame schema) with ``target`` (None = table missing)."""
    if policy not in POLICIES:
        raise ValueError(f"unknown schema_policy {policy!r}; expected one of {POLICIES}")
    if target is None:
        return SchemaDiff([], policy, target_exists=False)
    target_fields = {f.name.lower(): f for f in target.fields}
    source_fields = {f.name.lower(): f for f in source.fields}
    changes = []
    for key, field_ in source_fields.items():
        if key not in target_fields:
            changes.append(_added(field_, policy))
            continue
        target_type, source_type = target_fields[key].dataType, field_.dataType
        if _normalised(target_type) != _normalised(source_type):
            changes.append(_retyped(target_fields[key].name, source_type, target_type, policy))
    for key, field_ in target_fields.items():
        if key not in source_fields and not is_control_column(field_.name):
            changes.append(_removed(field_, policy))
    return SchemaDiff(changes, policy)


def _added(field_, policy: str) -> SchemaChange:
    allowed = policy != "strict"
    reason = "new source column added to the table" if allowed else "strict policy: new source column"
    return SchemaChange(
        "ADD_COLUMN",
        field_.name,
        field_.dataType.simpleString(),
        None,
        allowed,
        reason,
        ADD_COLUMN_DDL if allowed else REFUSE,
    )


def _removed(field_, policy: str) -> SchemaChange:
    allowed = policy == "permissive"
    reason = (
        "column missing from the source: written as NULL"
        if allowed
        else f"{policy} policy: target column missing from the source"
    )
    return SchemaChange(
        "DROP_COLUMN",
        field_.name,
        None,
        field_.dataType.simpleString(),
        allowed,
        reason,
        FILL_NULL if allowed else REFUSE,
    )


def _retyped(name: str, source_type, target_type, policy: str) -> SchemaChange:
    source_text, target_text = source_type.simpleString(), target_type.simpleString()

    def change(allowed: bool, reason: str, action: str) -> SchemaChange:
        return SchemaChange("TYPE_CHANGE", name, source_text, target_text, allowed, reason, action)

    if policy == "strict":
        return change(False, f"strict policy: type changed from {target_text} to {source_text}", REFUSE)
    if is_widening(target_type, source_type):
        if iceberg_widens_in_place(target_type, source_type):
            return change(True, f"widened {target_text} to {source_text}", WIDEN_COLUMN_DDL)
        return change(
            False,
            f"widening {target_text} to {source_text} is not supported in place by Iceberg "
            f"(cast the column to {target_text} in the contract, or rebuild the table)",
            REFUSE,
        )
    if is_widening(source_type, target_type):
        if policy == "permissive":
            return change(True, f"source {source_text} cast up to the target's {target_text}", CAST_SOURCE)
        return change(
            False, f"narrowing type change {target_text} to {source_text} (permissive would cast up)", REFUSE
        )
    return change(False, f"incompatible type change {target_text} to {source_text}", REFUSE)


def apply(spark, identifier: str, schema_diff: SchemaDiff) -> list[SchemaChange]:
    """Run the DDL of the allowed changes. Refuses (nothing applied) if any change is refused."""
    if schema_diff.refused:
        raise SchemaPolicyError(schema_diff)
    applied = []
    for change in schema_diff.changes:
        column = "`" + change.column_name.replace("`", "``") + "`"
        if change.action == ADD_COLUMN_DDL:
            spark.sql(f"ALTER TABLE {identifier} ADD COLUMNS ({column} {change.source_type})")
        elif change.action == WIDEN_COLUMN_DDL:
            spark.sql(f"ALTER TABLE {identifier} ALTER COLUMN {column} TYPE {change.source_type}")
        else:
            continue
        change.applied = True
        applied.append(change)
    return applied


def align_to_target(df, target, schema_diff: SchemaDiff):
    """Make ``df`` writable after apply(): NULL for permissive drops, casts for permissive narrowing."""
    from pyspark.sql import functions as F

    if target is None:
        return df
    target_types = {f.name.lower(): f for f in target.fields}
    for change in schema_diff.changes:
        if change.action not in (FILL_NULL, CAST_SOURCE):
            continue
        target_field = target_types[change.column_name.lower()]
        if change.action == FILL_NULL:
            df = df.withColumn(target_field.name, F.lit(None).cast(target_field.dataType))
        elif change.action == CAST_SOURCE:
            source_name = next(c for c in df.columns if c.lower() == change.column_name.lower())
            df = df.withColumn(source_name, F.col(f"`{source_name}`").cast(target_field.dataType))
    return df


def evidence_rows(schema_diff: SchemaDiff) -> list[dict]:
    """ctrl_ingestion_schema_changes rows (minus run_id / target_table / timestamps)."""
    return [
        {
            "change_type": change.change_type,
            "column_name": change.column_name,
            "source_type": change.source_type,
            "target_type": change.target_type,
            "applied": change.applied,
            "details_json": {
                "allowed": change.allowed,
                "reason": change.reason,
                "action": change.action,
                "schema_policy": schema_diff.policy,
            },
        }
        for change in schema_diff.changes
    ]


def table_schema(spark, identifier: str):
    """The target's StructType, or None when the table (or its namespace) does not exist.

    Read through Iceberg's Java API (the schema Spark's own Iceberg table reports, converted by
    ``SparkSchemaUtil``): one catalog load, no SHOW TABLES listing and no query analysis."""
    import json

    from pyspark.sql.types import StructType

    try:
        table = iceberg_java.load_table(spark, identifier)
    except Exception as exc:  # noqa: BLE001 - only a missing table or namespace means "no target yet"
        if any(token in f"{name} {message}" for name, message in chain(exc) for token in _MISSING):
            return None
        raise
    converted = iceberg_java.java_static(spark, "org.apache.iceberg.spark.SparkSchemaUtil.convert")(
        table.schema()
    )
    return StructType.fromJson(json.loads(converted.json()))


def enforce(spark, df, identifier: str, policy: str):
    """Diff ``df`` against the target, refuse or apply, and return (df ready to write, diff).

    Raises SchemaPolicyError (with ``.diff``; nothing applied) when the policy refuses a change.
    """
    target = table_schema(spark, identifier)
    schema_diff = diff(df.schema, target, policy)
    apply(spark, identifier, schema_diff)
    return align_to_target(df, target, schema_diff), schema_diff
