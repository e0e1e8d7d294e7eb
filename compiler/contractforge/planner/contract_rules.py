"""Per-contract planning rules: every finding becomes a coded Diagnostic (docs/planning.md).

Input is the validated, frozen ``IngestionContract`` (canonical ``mode``, defaults applied); the
source and ``extensions.aws`` are read from its YAML-spelling mapping, where the families and the
unknown-key checks work. ``at(path)`` turns a key path into ``{file, line}``. Rules never raise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contractforge.errors import closest
from contractforge.models import Access, IngestionContract, QualityRules
from contractforge.models.transform import ArrayRule, CustomTransform
from contractforge.planner.diagnostics import diagnostic
from contractforge.project_plan import Diagnostic
from contractforge.source_families import FAMILIES, MALFORMED_CAPTURING, ReadKind, read_kind, source_mapping

APPEND, OVERWRITE, UPSERT, HASH_DIFF = "scd0_append", "scd0_overwrite", "scd1_upsert", "scd1_hash_diff"
HISTORICAL, SNAPSHOT = "scd2_historical", "snapshot_soft_delete"
PUBLIC_NAMES = {UPSERT: "upsert", HISTORICAL: "historical", SNAPSHOT: "snapshot_reconcile_soft_delete"}
RUNNABLE_MODES = (APPEND, OVERWRITE, UPSERT, HASH_DIFF, HISTORICAL, SNAPSHOT)
STREAM_MODES = (APPEND, UPSERT, HASH_DIFF)
SCD2_FIELDS = (
    "scd2_change_columns",
    "scd2_effective_from_column",
    "scd2_sequence_by",
    "scd2_apply_as_deletes",
)
KNOWN_EXTENSION_FIELDS = {
    "glue_job": {
        "name", "role_arn", "script_s3_uri", "glue_version", "worker_type", "number_of_workers",
        "timeout_minutes", "max_retries", "default_arguments", "description", "enable_job_bookmark",
        "spark_conf", "connection_names", "connections", "runtime_mode", "execution_class",
        "max_concurrent_runs", "security_configuration", "tags", "auto_scaling",
    },
    "iceberg": {"warehouse", "table_properties", "partition_by"},
    "job_bookmarks": {"enabled", "enable_job_bookmark"},
    "write": {"max_delete_ratio", "compare_columns", "sequence_by"},
    "read": {"malformed_records"},
    "dependencies": {
        "python_modules", "additional_python_modules", "jars", "extra_jars", "py_files", "extra_py_files",
    },
}  # fmt: skip
KNOWN_EXTENSION_KEYS = (*KNOWN_EXTENSION_FIELDS, "lake_formation", "dqdl", "native_passthrough")
# write settings (extensions.aws.write, parameters.aws.write) → the modes that read them
WRITE_SETTING_MODES = {
    "max_delete_ratio": (SNAPSHOT,),
    "compare_columns": (UPSERT, SNAPSHOT),
    "sequence_by": (UPSERT, HASH_DIFF),  # orders a key's versions in one batch (a backlog)
}

GLUE_JOB_FIELDS_NOT_READ = {
    "description": "extensions.aws.glue_job.description is not read: job descriptions are generated",
    "script_s3_uri": "extensions.aws.glue_job.script_s3_uri is not read: jobs run the compiled runner",
    "runtime_mode": "extensions.aws.glue_job.runtime_mode is not read: the only mode is the library runner",
}

At = Callable[[tuple], dict[str, Any]]


class _Findings:
    def __init__(self, at: At) -> None:
        self.at = at
        self.items: list[Diagnostic] = []

    def add(self, code: str, path: tuple, message: str | None = None) -> None:
        where = self.at(path) or {}
        field = ".".join(str(p) for p in path) or None
        self.items.append(
            diagnostic(code, message, file=where.get("file"), line=where.get("line"), field=field)
        )


def plan_contract(contract: IngestionContract, mapping: dict[str, Any], at: At) -> list[Diagnostic]:
    """``mapping``: the same contract in YAML spelling (``validation.project_semantics.contract_mapping``)."""
    findings = _Findings(at)
    kind = read_kind(mapping)
    _source_rules(findings, mapping, kind)
    _mode_rules(findings, contract, source_mapping(mapping), kind)
    _preparation_rules(findings, contract)
    _quality_rules(findings, contract.quality_rules)
    _access_rules(findings, contract.access)
    _extension_rules(findings, mapping)
    _write_setting_rules(findings, contract)
    _intake_rules(findings, contract, kind)
    _execution_rules(findings, contract)
    return findings.items


def _write_setting_rules(f: _Findings, contract: IngestionContract) -> None:
    aws = contract.extensions.aws
    write = aws.write if aws is not None else None
    for key, modes in WRITE_SETTING_MODES.items():
        if write is not None and getattr(write, key) is not None and contract.mode not in modes:
            names = " / ".join(PUBLIC_NAMES.get(m, m) for m in modes)
            f.add(
                "AWS_EXTENSION_NOT_READ",
                ("extensions", "aws", "write", key),
                f"extensions.aws.write.{key} is only read by mode {names}, not {contract.mode}",
            )


def _execution_rules(f: _Findings, contract: IngestionContract) -> None:
    execution = contract.execution
    if execution is not None and execution.window is not None:
        f.add("AWS_EXECUTION_WINDOW_NOT_IMPLEMENTED", ("execution", "window"))
    if execution is not None and execution.catchup is not None and execution.catchup.enabled:
        f.add("AWS_EXECUTION_WINDOW_NOT_IMPLEMENTED", ("execution", "catchup"))
    operations = contract.operations
    flags = (operations.operations or operations) if operations is not None else None  # nested block wins
    if flags is not None and (
        flags.alert_on_failure or flags.alert_on_quality_fail or flags.freshness_sla_minutes
    ):
        f.add("AWS_ALERTS_WIRED", ("operations",))


def _source_rules(f: _Findings, contract: dict[str, Any], kind: ReadKind) -> None:
    family = FAMILIES.get(kind.family)
    if family is None:
        message = f"source type '{kind.type}' is not known to this product"
        f.add("AWS_SOURCE_TYPE_UNKNOWN", ("source", "type"), message)
        return
    for code, path, message in family.notes(contract, source_mapping(contract), kind):
        f.add(code, path, message)


def _mode_rules(f: _Findings, contract: IngestionContract, source: dict[str, Any], kind: ReadKind) -> None:
    mode = contract.mode
    merge_keys = contract.merge_keys or ()
    if mode.startswith("custom:"):
        f.add("AWS_CUSTOM_WRITE_MODE_NOT_IMPLEMENTED", ("mode",), f"write mode '{mode}' has no AWS binding")
    elif mode == SNAPSHOT:
        read = source.get("read") or {}
        if not (read.get("source_complete") or read.get("full_snapshot") or source.get("source_complete")):
            f.add("SNAPSHOT_SOURCE_COMPLETE_REQUIRED", ("source",))
    elif mode not in RUNNABLE_MODES:
        f.add("WRITE_MODE_UNSUPPORTED", ("mode",), f"write mode '{mode}' is not known")
    if kind.family == "stream" and kind.available_now and mode == OVERWRITE:
        f.add("AWS_STREAMING_OVERWRITE_UNSUPPORTED", ("mode",))
    if kind.family == "stream" and kind.available_now and mode in (HISTORICAL, SNAPSHOT):
        f.add("AWS_STREAMING_HISTORY_MODE_UNSUPPORTED", ("mode",))
    if mode in (UPSERT, HISTORICAL, SNAPSHOT) and not merge_keys:
        f.add(
            "MERGE_KEYS_REQUIRED",
            ("mode",),
            f"mode {PUBLIC_NAMES.get(mode, mode)} needs merge_keys (the MERGE row identity)",
        )
    if mode == HASH_DIFF:
        if not merge_keys:
            f.add(
                "AWS_HASH_DIFF_MERGE_KEYS_REQUIRED",
                ("mode",),
                "hash_diff_upsert needs merge_keys (the MERGE row identity; hash_keys only detect changes)",
            )
        if contract.hash_strategy == "explicit" and not contract.hash_keys:
            f.add(
                "HASH_KEYS_REQUIRED",
                ("mode",),
                "hash_diff_upsert with hash_strategy explicit needs hash_keys (or hash_strategy all_columns_except)",
            )
        f.add("AWS_HASH_DIFF_PERFORMANCE_UNVALIDATED", ("mode",))
    scd2_set = [k for k in SCD2_FIELDS if getattr(contract, k)]
    late_policy = contract.scd2_late_arriving_policy
    if mode != HISTORICAL and (scd2_set or late_policy != "apply"):
        field = scd2_set[0] if scd2_set else "scd2_late_arriving_policy"
        f.add("SCD2_FIELDS_ON_NON_SCD2_MODE", (field,), f"{field} is only valid with mode historical")
    if mode == HISTORICAL and late_policy in ("ignore", "reject") and not contract.scd2_sequence_by:
        f.add("SCD2_SEQUENCE_BY_REQUIRED", ("scd2_late_arriving_policy",))
    if (
        mode == HISTORICAL
        and late_policy == "apply"
        and contract.scd2_sequence_by
        and not contract.scd2_effective_from_column
    ):
        f.add(
            "SCD2_EFFECTIVE_FROM_REQUIRED",
            ("scd2_sequence_by",),
            "scd2_sequence_by without scd2_effective_from_column: valid_from is the run time, so a late row "
            "(older scd2_sequence_by than the stored history) cannot be placed in its past under "
            "scd2_late_arriving_policy apply (the default); declare scd2_effective_from_column, or set "
            "scd2_late_arriving_policy: ignore or reject",
        )


def _preparation_rules(f: _Findings, contract: IngestionContract) -> None:
    transform = contract.transform
    if transform is not None and _declared(transform.custom):
        f.add("AWS_TRANSFORM_CUSTOM_NOT_IMPLEMENTED", ("transform", "custom"))
    base = ("shape",) if contract.shape is not None else ("transform", "shape")
    shape = contract.effective_shape
    if shape is None:
        return
    arrays = [a for a in shape.arrays or () if a.mode in ("explode", "explode_outer")]
    if arrays and contract.layer == "bronze" and not shape.allow_cardinality_change_on_bronze:
        f.add(
            "AWS_BRONZE_EXPLODE_NOT_ALLOWED",
            (*base, "arrays"),
            f"'{arrays[0].path}' explodes on layer bronze; set allow_cardinality_change_on_bronze: true",
        )
    parents: dict[str, list[ArrayRule]] = {}
    for rule in arrays:
        parents.setdefault(rule.path.rpartition(".")[0], []).append(rule)
    for group in parents.values():
        if len(group) > 1 and not all(r.allow_cartesian for r in group):
            f.add(
                "AWS_CARTESIAN_EXPLODE_NOT_ALLOWED",
                (*base, "arrays"),
                "explodes of " + ", ".join(r.path for r in group) + " need allow_cartesian: true",
            )


def _declared(block: CustomTransform | None) -> bool:
    """A block with at least one value (an empty ``custom: {}`` declares nothing)."""
    return block is not None and bool(block.model_dump(exclude_none=True))


def _quality_rules(f: _Findings, rules: QualityRules | None) -> None:
    if rules is None:
        return
    if rules.custom:
        names = ", ".join(sorted(rules.custom))
        f.add(
            "AWS_QUALITY_CUSTOM_NOT_IMPLEMENTED",
            ("quality_rules", "custom"),
            f"custom quality rules ({names}) are not evaluated by this product",
        )
    if rules.expressions:
        f.add("AWS_EXPRESSION_QUALITY_SPARK_SQL", ("quality_rules", "expressions"))


def _access_rules(f: _Findings, access: Access | None) -> None:
    if access is None:
        return
    mode = access.access_policy.mode if access.access_policy else "apply"
    if mode == "ignore":
        f.add("AWS_ACCESS_IGNORED", ("access", "access_policy", "mode"))
        return
    if mode == "validate_only":
        f.add("AWS_ACCESS_VALIDATE_ONLY", ("access", "access_policy", "mode"))
    for index, row_filter in enumerate(access.row_filters or ()):
        if not row_filter.predicate:
            f.add(
                "AWS_ROW_FILTER_PREDICATE_REQUIRED",
                ("access", "row_filters", index, "function"),
                f"row filter {row_filter.name or index!r}: Lake Formation cannot call "
                f"{row_filter.function!r}; declare the PartiQL predicate as `predicate`",
            )
    for index, mask in enumerate(access.column_masks or ()):
        principals = ", ".join((mask.applies_to.principals or ()) if mask.applies_to else ()) or "nobody"
        f.add(
            "AWS_COLUMN_MASK_AS_EXCLUSION",
            ("access", "column_masks", index),
            f"column {mask.column!r} is hidden from {principals} (Lake Formation cannot apply {mask.function!r})",
        )


def _intake_rules(f: _Findings, contract: IngestionContract, kind: ReadKind) -> None:
    """``read.malformed_records`` is read by the CSV / JSON file readers only."""
    aws = contract.extensions.aws
    if aws is not None and aws.read is not None and aws.read.malformed_records:
        if kind.family not in MALFORMED_CAPTURING:
            f.add("AWS_EXTENSION_NOT_READ", ("extensions", "aws", "read", "malformed_records"),
                  f"extensions.aws.read.malformed_records applies to file sources; a {kind.family} source "
                  "does not read it")  # fmt: skip


def _near(word: str, known) -> str:
    suggestion = closest(word, known)
    return f" (did you mean '{suggestion}'?)" if suggestion else ""


def _extension_rules(f: _Findings, contract: dict[str, Any]) -> None:
    aws = (contract.get("extensions") or {}).get("aws")
    if not isinstance(aws, dict):
        return
    for key, value in aws.items():
        path = ("extensions", "aws", key)
        if key not in KNOWN_EXTENSION_KEYS:
            f.add("AWS_UNKNOWN_EXTENSION", path, f"unknown key, ignored{_near(key, KNOWN_EXTENSION_KEYS)}")
        elif key in ("lake_formation", "dqdl") and value:
            f.add(
                "AWS_EXTENSION_NOT_READ", path, f"extensions.aws.{key} is accepted but not read per contract"
            )
        elif not isinstance(value, dict):
            if value is not None:
                f.add(
                    "AWS_EXTENSION_SHAPE_IGNORED",
                    path,
                    f"extensions.aws.{key} is not a mapping and is ignored",
                )
        elif key in KNOWN_EXTENSION_FIELDS:
            for field in value:
                if key == "glue_job" and field in GLUE_JOB_FIELDS_NOT_READ:
                    f.add("AWS_EXTENSION_NOT_READ", (*path, field), GLUE_JOB_FIELDS_NOT_READ[field])
                elif field not in KNOWN_EXTENSION_FIELDS[key]:
                    f.add(
                        "AWS_UNKNOWN_EXTENSION_FIELD",
                        (*path, field),
                        f"unknown field, not honoured{_near(field, KNOWN_EXTENSION_FIELDS[key])}",
                    )
