"""The diagnostic code catalogue (upstream's code names kept; docs/planning.md#codes) and the status rule.

Upstream planned some contracts SUPPORTED that no job could run (docs/planning.md). Here every
construct this product cannot execute carries its own code with severity ``review`` or
``blocker``, so ``SUPPORTED*`` always means "a run plan exists and the runtime executes it".

Severities: ``blocker`` → UNSUPPORTED, ``review`` → REVIEW_REQUIRED, ``warning`` →
SUPPORTED_WITH_WARNINGS, ``info`` → no effect on the status.
"""

from __future__ import annotations

from dataclasses import dataclass

from contractforge.project_plan import (
    REVIEW_REQUIRED,
    SUPPORTED,
    SUPPORTED_WITH_WARNINGS,
    UNSUPPORTED,
    Diagnostic,
)

BLOCKER, REVIEW, WARNING, INFO = "blocker", "review", "warning", "info"
_RANK = {BLOCKER: 3, REVIEW: 2, WARNING: 1, INFO: 0}


@dataclass(frozen=True)
class Code:
    code: str
    severity: str
    summary: str


def _catalogue(*codes: Code) -> dict[str, Code]:
    return {c.code: c for c in codes}


CODES: dict[str, Code] = _catalogue(
    # --- write modes (docs/contract-language.md#write-modes) -------------------------------------------
    Code("MERGE_KEYS_REQUIRED", BLOCKER, "upsert, historical and snapshot modes need merge_keys"),
    Code("AWS_HASH_DIFF_MERGE_KEYS_REQUIRED", BLOCKER, "hash_diff_upsert needs merge_keys (row identity)"),
    Code("HASH_KEYS_REQUIRED", BLOCKER, "hash_diff_upsert with hash_strategy explicit needs hash_keys"),
    Code("SCD2_FIELDS_ON_NON_SCD2_MODE", BLOCKER, "scd2_* fields are only valid with mode historical"),
    Code("SCD2_SEQUENCE_BY_REQUIRED", BLOCKER, "late policy ignore/reject needs scd2_sequence_by"),
    Code(
        "SCD2_EFFECTIVE_FROM_REQUIRED",
        BLOCKER,
        "late policy apply with scd2_sequence_by needs scd2_effective_from_column (valid_from is the run time)",
    ),
    Code(
        "SNAPSHOT_SOURCE_COMPLETE_REQUIRED",
        BLOCKER,
        "snapshot soft delete needs source.read.source_complete or full_snapshot: true",
    ),
    Code("WRITE_MODE_UNSUPPORTED", BLOCKER, "write mode is not known"),
    Code(
        "AWS_STREAMING_HISTORY_MODE_UNSUPPORTED",
        BLOCKER,
        "historical and snapshot_reconcile_soft_delete run as batch jobs, not as streams",
    ),
    Code("AWS_CUSTOM_WRITE_MODE_NOT_IMPLEMENTED", REVIEW, "custom:<mode> write modes have no AWS binding"),
    Code(
        "AWS_STREAMING_OVERWRITE_UNSUPPORTED",
        BLOCKER,
        "overwrite in a streaming job would replace the table on every micro-batch",
    ),
    Code(
        "AWS_HASH_DIFF_PERFORMANCE_UNVALIDATED",
        WARNING,
        "hash diff performance is validated on the benchmark only",
    ),
    # --- sources (docs/sources.md#source-types-and-families) --------------------------------
    Code("AWS_SOURCE_AUTOLOADER_UNSUPPORTED", BLOCKER, "Databricks Auto Loader; use incremental_files"),
    Code("AWS_SOURCE_TYPE_UNKNOWN", BLOCKER, "source type is not known to this product"),
    Code("AWS_INCREMENTAL_FILES_STRATEGY_REVIEW", WARNING, "incremental files rely on Glue job bookmarks"),
    Code(
        "AWS_INCREMENTAL_FILES_FORMAT_UNSUPPORTED",
        REVIEW,
        "incremental_files needs csv, json, parquet, orc or avro",
    ),
    Code(
        "AWS_INCREMENTAL_FILES_BOOKMARKS_DISABLED",
        WARNING,
        "job bookmarks are disabled: every run re-reads every file",
    ),
    Code("AWS_SOURCE_RUNTIME_CONFIG_REQUIRED", WARNING, "source needs runtime configuration"),
    Code(
        "AWS_SOURCE_FORMAT_JAR_REQUIRED",
        REVIEW,
        "xml and delta readers need connector jars this product does not ship or test",
    ),
    Code(
        "AWS_SOURCE_NON_S3_OBJECT_STORAGE",
        REVIEW,
        "non-S3 object storage needs connectors and credentials this product does not provide",
    ),
    Code(
        "AWS_SOURCE_DELTA_TABLE_REVIEW",
        REVIEW,
        "delta_table sources are not readable through the Iceberg catalog",
    ),
    Code("AWS_SOURCE_CONNECTOR_PACKAGE_REQUIRED", WARNING, "a Spark connector jar must be supplied"),
    Code(
        "AWS_STREAM_NOT_TESTABLE_LOCALLY",
        WARNING,
        "Kafka/Event Hubs jobs are not exercised by the local runner",
    ),
    Code(
        "AWS_BOUNDED_STREAM_NOT_IMPLEMENTED",
        REVIEW,
        "bounded Kafka/Event Hubs reads are not implemented; use the available-now variant",
    ),
    Code(
        "AWS_AVAILABLE_NOW_CHECKPOINT_REQUIRED",
        BLOCKER,
        "available-now streaming needs source.checkpoint_location",
    ),
    Code("AWS_DELTA_SHARE_NOT_IMPLEMENTED", REVIEW, "delta_share sources are not implemented"),
    Code(
        "AWS_CUSTOM_TRANSFORM_SOURCE_NOT_IMPLEMENTED", REVIEW, "custom_transform sources have no AWS binding"
    ),
    Code("AWS_NATIVE_PASSTHROUGH_REVIEW", REVIEW, "native_passthrough needs an AWS-native service design"),
    Code(
        "AWS_TABLE_REF_RESOLVED_BY_CONVENTION", WARNING, "table ref resolved by the layer-suffix convention"
    ),
    Code(
        "AWS_JDBC_DRIVER_REQUIRED",
        INFO,
        "JDBC drivers are not bundled; add the jar with dependencies.extra_jars or a Glue connection",
    ),
    # --- preparation and quality (docs/contract-language.md#shape-and-transform, #quality-rules) ------
    Code("AWS_TRANSFORM_CUSTOM_NOT_IMPLEMENTED", REVIEW, "transform.custom has no AWS binding"),
    Code("AWS_QUALITY_CUSTOM_NOT_IMPLEMENTED", REVIEW, "quality_rules.custom rules are not evaluated"),
    Code(
        "AWS_BRONZE_EXPLODE_NOT_ALLOWED",
        BLOCKER,
        "explode on layer bronze needs shape.allow_cardinality_change_on_bronze: true",
    ),
    Code("AWS_CARTESIAN_EXPLODE_NOT_ALLOWED", BLOCKER, "two explodes under one parent need allow_cartesian"),
    Code(
        "AWS_EXPRESSION_QUALITY_SPARK_SQL", WARNING, "expression rules are evaluated as Spark SQL, not DQDL"
    ),
    # --- execution and operations (docs/contract-language.md#execution, #annotations-operations-and-access)
    Code(
        "AWS_EXECUTION_WINDOW_NOT_IMPLEMENTED",
        WARNING,
        "execution.window / execution.catchup are recorded, not executed: each run reads the source once",
    ),
    Code(
        "AWS_ALERTS_WIRED",
        INFO,
        "alert flags and freshness_sla_minutes become the alerts module (SNS, EventBridge, CloudWatch alarms)",
    ),
    # --- governance (docs/governance.md) ------------------------------------------------------------
    Code(
        "AWS_ROW_FILTER_PREDICATE_REQUIRED",
        REVIEW,
        "a row filter needs `predicate`: Lake Formation evaluates a PartiQL predicate, not a SQL function",
    ),
    Code(
        "AWS_COLUMN_MASK_AS_EXCLUSION",
        WARNING,
        "Lake Formation cannot mask values: the column is hidden from the mask's applies_to principals",
    ),
    Code(
        "AWS_ACCESS_NOT_ENFORCED",
        WARNING,
        "the access contract is recorded, not enforced: parameters.aws.lake_formation is off",
    ),
    Code("AWS_ACCESS_IGNORED", INFO, "access_policy.mode ignore: nothing is granted, checked or recorded"),
    Code(
        "AWS_ACCESS_VALIDATE_ONLY",
        INFO,
        "access_policy.mode validate_only: nothing is granted; the runner compares and records drift",
    ),
    Code(
        "AWS_EXTENSION_NOT_READ",
        WARNING,
        "an extensions.aws key is accepted but not read (lake_formation is an environment setting; dqdl, "
        "glue_job.description / script_s3_uri / runtime_mode have no effect)",
    ),
    # --- extensions (docs/contract-language.md#aws-extensions) ---------------------------------------
    Code("AWS_UNKNOWN_EXTENSION", WARNING, "unknown key under extensions.aws"),
    Code("AWS_EXTENSION_SHAPE_IGNORED", WARNING, "extensions.aws key is not a mapping and is ignored"),
    Code("AWS_UNKNOWN_EXTENSION_FIELD", WARNING, "unknown field under an extensions.aws block"),
    # --- project (docs/contract-language.md#project-file) ----------------------------------------------
    Code("PROJECT_DEPENDENCY_NOT_RUNNABLE", INFO, "a step this one depends on is not runnable"),
    Code("PROJECT_REGION_DEFAULTED", INFO, "parameters.aws.region is not set; us-east-1 is used"),
    Code("AWS_ENVIRONMENT_KEY_NOT_USED", INFO, "an environment key is accepted but has no effect on AWS"),
    Code("AWS_UNKNOWN_ENVIRONMENT_KEY", WARNING, "an environment key ContractForge does not know or support"),
)


def diagnostic(
    code: str,
    message: str | None = None,
    *,
    file: str | None = None,
    line: int | None = None,
    field: str | None = None,
) -> Diagnostic:
    """A Diagnostic whose severity comes from the catalogue (unknown codes are a programming error)."""
    entry = CODES[code]
    return Diagnostic(
        code=code,
        severity=entry.severity,
        message=message or entry.summary,
        file=file,
        line=line,
        field=field,
    )


def status_of(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> str:
    worst = max((_RANK[d.severity] for d in diagnostics), default=0)
    return {3: UNSUPPORTED, 2: REVIEW_REQUIRED, 1: SUPPORTED_WITH_WARNINGS, 0: SUPPORTED}[worst]


def sort_diagnostics(diagnostics: list[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Most severe first, then by code and field: stable output for tables and goldens."""
    unique = dict.fromkeys(diagnostics)
    return tuple(sorted(unique, key=lambda d: (-_RANK[d.severity], d.code, d.field or "", d.message)))
