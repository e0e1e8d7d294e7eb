"""Per-contract planning rules: every finding becomes a coded Diagnostic (docs/planning.md).

Input is the resolved contract mapping in YAML spelling (canonical ``mode``, defaults applied);
``at(path)`` turns a key path into ``{file, line}`` for the diagnostic. Rules never raise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contractforge.planner.diagnostics import diagnostic
from contractforge.project_plan import Diagnostic
from contractforge.source_families import FAMILIES, ReadKind, read_kind, source_mapping

APPEND, OVERWRITE, UPSERT, HASH_DIFF = "scd0_append", "scd0_overwrite", "scd1_upsert", "scd1_hash_diff"
HISTORICAL, SNAPSHOT = "scd2_historical", "snapshot_soft_delete"
PUBLIC_NAMES = {UPSERT: "upsert", HISTORICAL: "historical", SNAPSHOT: "snapshot_reconcile_soft_delete"}
RUNNABLE_MODES = (APPEND, OVERWRITE, UPSERT, HASH_DIFF)
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
        "max_concurrent_runs", "security_configuration", "tags",
    },
    "iceberg": {"warehouse", "table_properties", "partition_by"},
    "job_bookmarks": {"enabled", "enable_job_bookmark"},
    "dependencies": {
        "python_modules", "additional_python_modules", "jars", "extra_jars", "py_files", "extra_py_files",
    },
}  # fmt: skip
KNOWN_EXTENSION_KEYS = (*KNOWN_EXTENSION_FIELDS, "lake_formation", "dqdl", "native_passthrough")

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


def plan_contract(contract: dict[str, Any], at: At) -> list[Diagnostic]:
    findings = _Findings(at)
    kind = read_kind(contract)
    _source_rules(findings, contract, kind)
    _mode_rules(findings, contract, kind)
    _preparation_rules(findings, contract)
    _quality_rules(findings, contract)
    _access_rules(findings, contract)
    _extension_rules(findings, contract)
    _execution_rules(findings, contract)
    return findings.items


def _execution_rules(f: _Findings, contract: dict[str, Any]) -> None:
    execution = contract.get("execution") or {}
    for key in ("window", "catchup"):
        block = execution.get(key)
        if block and (key == "window" or block.get("enabled")):
            f.add("AWS_EXECUTION_WINDOW_NOT_IMPLEMENTED", ("execution", key))
    operations = contract.get("operations") or {}
    flags = {**operations, **(operations.get("operations") or {})}
    if flags.get("alert_on_failure") or flags.get("alert_on_quality_fail"):
        f.add("AWS_ALERTS_NOT_WIRED", ("operations",))


def _source_rules(f: _Findings, contract: dict[str, Any], kind: ReadKind) -> None:
    family = FAMILIES.get(kind.family)
    if family is None:
        message = f"source type '{kind.type}' is not known to this product"
        f.add("AWS_SOURCE_TYPE_UNKNOWN", ("source", "type"), message)
        return
    for code, path, message in family.notes(contract, source_mapping(contract), kind):
        f.add(code, path, message)


def _mode_rules(f: _Findings, contract: dict[str, Any], kind: ReadKind) -> None:
    mode = str(contract.get("mode") or APPEND)
    merge_keys = contract.get("merge_keys") or ()
    if mode.startswith("custom:"):
        f.add("AWS_CUSTOM_WRITE_MODE_NOT_IMPLEMENTED", ("mode",), f"write mode '{mode}' has no AWS binding")
    elif mode == HISTORICAL:
        f.add("AWS_HISTORICAL_NOT_IMPLEMENTED", ("mode",))
    elif mode == SNAPSHOT:
        f.add("AWS_SNAPSHOT_SOFT_DELETE_NOT_IMPLEMENTED", ("mode",))
        source = source_mapping(contract)
        read = source.get("read") or {}
        if not (read.get("source_complete") or read.get("full_snapshot") or source.get("source_complete")):
            f.add("SNAPSHOT_SOURCE_COMPLETE_REQUIRED", ("source",))
    elif mode not in RUNNABLE_MODES:
        f.add("WRITE_MODE_UNSUPPORTED", ("mode",), f"write mode '{mode}' is not known")
    if kind.family == "stream" and kind.available_now and mode == OVERWRITE:
        f.add("AWS_STREAMING_OVERWRITE_UNSUPPORTED", ("mode",))
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
        if contract.get("hash_strategy", "explicit") == "explicit" and not contract.get("hash_keys"):
            f.add(
                "HASH_KEYS_REQUIRED",
                ("mode",),
                "hash_diff_upsert with hash_strategy explicit needs hash_keys (or hash_strategy all_columns_except)",
            )
        f.add("AWS_HASH_DIFF_PERFORMANCE_UNVALIDATED", ("mode",))
    scd2_set = [k for k in SCD2_FIELDS if contract.get(k)]
    late_policy = contract.get("scd2_late_arriving_policy") or "apply"
    if mode != HISTORICAL and (scd2_set or late_policy != "apply"):
        field = scd2_set[0] if scd2_set else "scd2_late_arriving_policy"
        f.add("SCD2_FIELDS_ON_NON_SCD2_MODE", (field,), f"{field} is only valid with mode historical")
    if mode == HISTORICAL and late_policy in ("ignore", "reject") and not contract.get("scd2_sequence_by"):
        f.add("SCD2_SEQUENCE_BY_REQUIRED", ("scd2_late_arriving_policy",))


def _preparation_rules(f: _Findings, contract: dict[str, Any]) -> None:
    transform = contract.get("transform") or {}
    if transform.get("custom"):
        f.add("AWS_TRANSFORM_CUSTOM_NOT_IMPLEMENTED", ("transform", "custom"))
    base = ("shape",) if contract.get("shape") else ("transform", "shape")
    shape = contract.get("shape") or transform.get("shape") or {}
    cardinality = ("explode", "explode_outer")
    arrays = [a for a in shape.get("arrays") or () if a.get("mode") in cardinality]
    layer = contract.get("layer") or "bronze"
    if arrays and layer == "bronze" and not shape.get("allow_cardinality_change_on_bronze"):
        f.add(
            "AWS_BRONZE_EXPLODE_NOT_ALLOWED",
            (*base, "arrays"),
            f"'{arrays[0].get('path')}' explodes on layer bronze; set allow_cardinality_change_on_bronze: true",
        )
    parents: dict[str, list[dict[str, Any]]] = {}
    for rule in arrays:
        parents.setdefault(str(rule.get("path", "")).rpartition(".")[0], []).append(rule)
    for group in parents.values():
        if len(group) > 1 and not all(r.get("allow_cartesian") for r in group):
            f.add(
                "AWS_CARTESIAN_EXPLODE_NOT_ALLOWED",
                (*base, "arrays"),
                "explodes of " + ", ".join(str(r.get("path")) for r in group) + " need allow_cartesian: true",
            )


def _quality_rules(f: _Findings, contract: dict[str, Any]) -> None:
    rules = contract.get("quality_rules") or {}
    if rules.get("custom"):
        names = ", ".join(sorted(rules["custom"]))
        f.add(
            "AWS_QUALITY_CUSTOM_NOT_IMPLEMENTED",
            ("quality_rules", "custom"),
            f"custom quality rules ({names}) are not evaluated by this product",
        )
    if rules.get("expressions"):
        f.add("AWS_EXPRESSION_QUALITY_SPARK_SQL", ("quality_rules", "expressions"))


def _access_rules(f: _Findings, contract: dict[str, Any]) -> None:
    access = contract.get("access") or {}
    if access.get("row_filters"):
        f.add("AWS_ROW_FILTERS_REVIEW", ("access", "row_filters"))
    if access.get("column_masks"):
        f.add("AWS_COLUMN_MASKS_REVIEW", ("access", "column_masks"))


def _extension_rules(f: _Findings, contract: dict[str, Any]) -> None:
    aws = (contract.get("extensions") or {}).get("aws")
    if not isinstance(aws, dict):
        return
    for key, value in aws.items():
        path = ("extensions", "aws", key)
        if key not in KNOWN_EXTENSION_KEYS:
            f.add("AWS_UNKNOWN_EXTENSION", path, f"unknown key extensions.aws.{key} is ignored")
        elif not isinstance(value, dict):
            if value is not None:
                f.add(
                    "AWS_EXTENSION_SHAPE_IGNORED",
                    path,
                    f"extensions.aws.{key} is not a mapping and is ignored",
                )
        elif key in KNOWN_EXTENSION_FIELDS:
            for field in value:
                if field not in KNOWN_EXTENSION_FIELDS[key]:
                    f.add(
                        "AWS_UNKNOWN_EXTENSION_FIELD",
                        (*path, field),
                        f"unknown field extensions.aws.{key}.{field} will not be honoured",
                    )
