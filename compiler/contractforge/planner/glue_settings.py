"""GlueJobSettings for one step: environment ``parameters.aws`` as the base, the contract's
``extensions.aws`` overlaid key by key (docs/contract-language.md#aws-extensions), then product defaults
(DESIGN: Glue 5.0, G.1X, 2 workers, 60 min, 0 retries, bookmarks on for incremental sources)."""

from __future__ import annotations

from typing import Any

from contractforge.models.base import split_list
from contractforge.project_plan import GlueJobSettings
from contractforge.source_families import FAMILIES
from contractforge.validation.packing_rules import glue_version, merged_setting


def _names(*values: Any) -> tuple[str, ...]:
    result: list[str] = []
    for value in values:
        for item in split_list(value) or ():
            if item and str(item) not in result:
                result.append(str(item))
    return tuple(result)


def bookmarks_enabled(
    family: str, jdbc_bookmarkable: bool, env_aws: dict[str, Any], contract_aws: dict[str, Any]
) -> bool:
    """Explicit settings win (contract over environment); else on for incremental reads."""
    bookmarks = merged_setting(env_aws, contract_aws, "job_bookmarks")
    glue_job = merged_setting(env_aws, contract_aws, "glue_job")
    for explicit in (
        bookmarks.get("enabled"),
        bookmarks.get("enable_job_bookmark"),
        glue_job.get("enable_job_bookmark"),
    ):
        if explicit is not None:
            return bool(explicit) and (_bookmarks_by_default(family) or jdbc_bookmarkable)
    return _bookmarks_by_default(family) or jdbc_bookmarkable


def _bookmarks_by_default(family: str) -> bool:
    return family in FAMILIES and FAMILIES[family].glue_bookmarks


# Flex capacity may start a run minutes late: only steps whose operations contract tolerates it.
FLEX_CRITICALITY = ("low", "medium")
FLEX_MIN_FRESHNESS_SLA_MINUTES = 240
AUTO_SCALING_ARGUMENT = "--enable-auto-scaling"


def default_execution_class(operations: dict[str, Any] | None, family: str) -> str:
    """FLEX for batch steps declared low/medium criticality whose freshness SLA (if any) is at least
    FLEX_MIN_FRESHNESS_SLA_MINUTES; STANDARD otherwise (also when nothing is declared)."""
    view = {k: v for k, v in (operations or {}).items() if k != "operations"}
    view.update((operations or {}).get("operations") or {})
    sla = view.get("freshness_sla_minutes")
    if family == "stream" or view.get("criticality") not in FLEX_CRITICALITY:
        return "STANDARD"
    return "FLEX" if sla is None or int(sla) >= FLEX_MIN_FRESHNESS_SLA_MINUTES else "STANDARD"


def glue_settings(name: str, env_aws: dict[str, Any], contract_aws: dict[str, Any], *,
                  bookmarks: bool, tags: dict[str, str],
                  default_class: str = "STANDARD") -> GlueJobSettings:  # fmt: skip
    """``default_class``: the execution class when neither the contract nor the environment sets one
    (default_execution_class). ``glue_job.auto_scaling: true`` turns on Glue auto scaling, the
    worker count then being the ceiling."""
    job = merged_setting(env_aws, contract_aws, "glue_job")
    deps = merged_setting(env_aws, contract_aws, "dependencies")
    arguments = job.get("default_arguments") if isinstance(job.get("default_arguments"), dict) else {}
    if job.get("auto_scaling") is not None:
        arguments = {**arguments, AUTO_SCALING_ARGUMENT: bool(job["auto_scaling"])}
    job_tags = {**tags, **{str(k): str(v) for k, v in (job.get("tags") or {}).items()}}
    return GlueJobSettings(
        name=name,
        glue_version=glue_version(job),
        worker_type=str(job.get("worker_type") or "G.1X"),
        number_of_workers=int(job.get("number_of_workers") or 2),
        timeout_minutes=int(job.get("timeout_minutes") or 60),
        max_retries=int(job.get("max_retries") or 0),
        execution_class=str(job.get("execution_class") or default_class),
        max_concurrent_runs=int(job.get("max_concurrent_runs") or 1),
        job_bookmarks=bookmarks,
        connections=_names(job.get("connections"), job.get("connection_names")),
        security_configuration=job.get("security_configuration") or None,
        role_arn=job.get("role_arn") or None,
        extra_jars=_names(deps.get("extra_jars"), deps.get("jars")),
        extra_py_files=_names(deps.get("extra_py_files"), deps.get("py_files")),
        additional_python_modules=_names(deps.get("additional_python_modules"), deps.get("python_modules")),
        extra_arguments=tuple(sorted((str(k), _text(v)) for k, v in arguments.items())),
        tags=tuple(sorted(job_tags.items())),
        spark_conf=_spark_conf(job.get("spark_conf")),
    )


def _spark_conf(value: Any) -> tuple[tuple[str, str], ...]:
    """A mapping, or the Glue string form ``k=v --conf k2=v2``, as sorted pairs."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), _text(v)) for k, v in value.items()))
    if isinstance(value, str) and value.strip():
        pairs = (part.strip().removeprefix("--conf").strip() for part in value.split(" --conf "))
        return tuple(sorted(tuple(p.split("=", 1)) for p in pairs if "=" in p))  # type: ignore[misc]
    return ()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
