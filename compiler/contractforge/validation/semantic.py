"""Second validation depth (docs/contract-language.md#two-validation-depths): what the models
cannot say about one contract.

Required fields per source family, JDBC partition completeness and table/query exclusivity,
limit allow-lists, REST/HTTP enums (docs/sources.md), inline credentials (docs/secrets.md),
Iceberg warehouse guardrails (docs/contract-language.md#aws-extensions). Input is the resolved
contract *mapping* (after model validation), so every finding can be located through the loader's
SourceMap.
Planner concerns (merge keys, unsupported modes) are diagnostics, not errors: see planner/.
"""

from __future__ import annotations

from typing import Any

from contractforge_runtime.environment.secrets import PLACEHOLDER

from contractforge.models.order_by import parse_order_by
from contractforge.source_families import family_of, source_mapping
from contractforge.validation.aws_limits import check_glue_job, check_glue_name, check_grants
from contractforge.validation.credentials import check_source_credentials
from contractforge.validation.locate import PathKey, Problems, Where, closest, nowhere
from contractforge.validation.placeholders import check_placeholders
from contractforge.validation.rule_lists import check_rule_lists
from contractforge.validation.source_rules import check_source
from contractforge.validation.spark_sql import check_contract_sql
from contractforge.validation.url_safety import check_source_paths, check_source_urls

SRC: PathKey = ("source",)
ADAPTER_OWNED_ARGUMENTS = (
    "--conf",
    "--datalake-formats",
    "--enable-glue-datacatalog",
    "--job-language",
    "--job-bookmark-option",
    "--additional-python-modules",
    "--extra-jars",
    "--extra-py-files",
)
_WAREHOUSE_FORBIDDEN = ("replace-with", "example-", "{{", "}}", "<", ">")


def validate_contract(contract: dict[str, Any], where: Where = nowhere) -> list:
    """Every semantic problem of one resolved contract mapping (empty list when fine)."""
    problems = Problems(where)
    source = source_mapping(contract)
    if isinstance(contract.get("source"), dict):
        check_source(problems, source)
        check_source_credentials(problems, source)
        check_source_urls(problems, source, family_of(source))
        check_source_paths(problems, source, family_of(source))
    _check_table_source(problems, contract.get("source"), source)
    check_placeholders(problems, contract)
    _check_extensions(problems, contract.get("extensions"))
    _check_transform(problems, contract)
    check_contract_sql(problems, contract)
    check_rule_lists(problems, contract.get("quality_rules"))
    _check_target(problems, contract.get("target"))
    access = contract.get("access") if isinstance(contract.get("access"), dict) else {}
    check_grants(problems, access.get("grants"))
    return _unique(problems.items)


def _check_table_source(problems: Problems, raw: Any, source: dict[str, Any]) -> None:
    """``source: <name>`` (or ``type: table``) reads a catalog table ``[catalog.]database.table``; a
    path written there (``source: s3://…``) is the usual slip."""
    name, path = (raw, SRC) if isinstance(raw, str) else (source.get("table"), (*SRC, "table"))
    if not isinstance(name, str) or source.get("type") != "table" or "{{" in name:
        return
    if "/" in name or len(name.split(".")) > 3:
        problems.add(path, f"'{name}' is not a table name ([catalog.]database.table); files are read with "
                     "source: {type: <csv|json|parquet…>, path: …}", code="SOURCE_TABLE_NAME_INVALID")  # fmt: skip
        return
    for part in name.split("."):
        check_glue_name(problems, path, part, "source table name part")


def _check_target(problems: Problems, target: Any) -> None:
    if not isinstance(target, dict):
        return
    for key, what in (
        ("catalog", "catalog"),
        ("schema", "schema (Glue database part)"),
        ("table", "table name"),
    ):
        check_glue_name(problems, ("target", key), target.get(key), f"target {what}")


def _check_transform(problems: Problems, contract: dict[str, Any]) -> None:
    """What the runtime would otherwise trip over: unreadable order_by, unknown schema_ref."""
    transform = contract.get("transform") or {}
    order_by = (transform.get("deduplicate") or {}).get("order_by")
    if isinstance(order_by, str):
        try:
            parse_order_by(order_by)
        except ValueError as exc:
            problems.add(("transform", "deduplicate", "order_by"), str(exc), code="ORDER_BY_INVALID")
    base = ("shape",) if contract.get("shape") else ("transform", "shape")
    shape = contract.get("shape") or transform.get("shape") or {}
    schemas = contract.get("schemas") or {}
    for index, item in enumerate(shape.get("parse_json") or ()):
        ref = item.get("schema_ref")
        if ref and ref not in schemas:
            problems.add(
                (*base, "parse_json", index, "schema_ref"),
                f"schema_ref '{ref}' is not declared under schemas",
                suggestion=closest(ref, schemas),
                code="SCHEMA_REF_UNKNOWN",
            )


def _unique(items: list) -> list:
    return list(dict.fromkeys(items))


def _check_extensions(problems: Problems, extensions: Any, base: PathKey = ("extensions", "aws")) -> None:
    aws = extensions.get("aws") if isinstance(extensions, dict) else None
    if not isinstance(aws, dict):
        return
    check_aws_parameters(problems, aws, base)


def check_aws_parameters(problems: Problems, aws: dict[str, Any], base: PathKey) -> None:
    """Guardrails shared by ``extensions.aws`` and ``environment.parameters.aws``
    (docs/contract-language.md#aws-extensions)."""
    iceberg = aws.get("iceberg")
    if isinstance(iceberg, dict):
        warehouse = iceberg.get("warehouse")
        if warehouse is not None:
            check_warehouse(problems, (*base, "iceberg", "warehouse"), warehouse)
        properties = iceberg.get("table_properties")
        if properties is not None and not isinstance(properties, dict):
            problems.add((*base, "iceberg", "table_properties"), "table_properties must be a mapping")
        elif isinstance(properties, dict):
            for key, value in properties.items():
                if not str(key).strip():
                    problems.add(
                        (*base, "iceberg", "table_properties"), "table property names must not be empty"
                    )
                if isinstance(value, str) and PLACEHOLDER.search(value):
                    problems.add(
                        (*base, "iceberg", "table_properties", key), "table properties may not hold secrets"
                    )
    glue_job = aws.get("glue_job")
    if isinstance(glue_job, dict):
        check_glue_job(problems, glue_job, (*base, "glue_job"))
        arguments = glue_job.get("default_arguments")
        if isinstance(arguments, dict):
            for key in arguments:
                if str(key) in ADAPTER_OWNED_ARGUMENTS or str(key).startswith("--CONTRACTFORGE_"):
                    problems.add(
                        (*base, "glue_job", "default_arguments", key),
                        f"'{key}' is managed by ContractForge and cannot be overridden",
                    )
        mode = glue_job.get("runtime_mode")
        if mode not in (None, "library_runner"):
            problems.add((*base, "glue_job", "runtime_mode"), "runtime_mode must be absent or library_runner")
        spark_conf = glue_job.get("spark_conf")
        if isinstance(spark_conf, dict) and "spark.sql.extensions" in spark_conf:
            problems.add(
                (*base, "glue_job", "spark_conf", "spark.sql.extensions"),
                "spark.sql.extensions is managed by ContractForge",
            )


def check_warehouse(problems: Problems, path: PathKey, warehouse: Any) -> None:
    text = str(warehouse)
    if not text.startswith("s3://") or len(text) <= len("s3://"):
        problems.add(
            path, f"the Iceberg warehouse must be an s3:// URI, got '{text}'", code="WAREHOUSE_INVALID"
        )
    elif any(token in text.lower() for token in _WAREHOUSE_FORBIDDEN):
        problems.add(
            path,
            f"the Iceberg warehouse '{text}' still holds a template placeholder",
            code="WAREHOUSE_INVALID",
        )
