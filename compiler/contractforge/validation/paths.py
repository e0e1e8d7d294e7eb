"""What ``contractforge validate PATH`` checks for each kind of path: both validation depths
(the loader's model validation, then this stage's semantic checks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from contractforge.errors import ContractForgeError, Problem
from contractforge.loader.bundle import display_path, load_environment_file
from contractforge.loader.errors import SourceLocator, validate
from contractforge.loader.from_path import load_contract, load_project
from contractforge.loader.project import find_project_file
from contractforge.loader.yaml_source import load_mapping
from contractforge.models import ConnectionFile
from contractforge.project_plan import Diagnostic
from contractforge.validation.environment_keys import located_unused_keys
from contractforge.validation.project_semantics import validate_project
from contractforge.validation.semantic import validate_contract


@dataclass
class ValidationReport:
    kind: str  # project | contract | contracts | environment | annotations | ... | unknown
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)


def _semantic_problems(bundle) -> list[Problem]:
    """Second validation depth of one contract (``validation.semantic``)."""
    mapping = bundle.contract.model_dump(mode="json", by_alias=True, exclude_none=True)
    return list(validate_contract(mapping, bundle.where))


def _collect(report: ValidationReport, action) -> None:
    try:
        action()
    except ContractForgeError as exc:
        report.problems.extend(exc.problems)


def validate_path(path: Path, env: str = "aws", kind: str | None = None) -> ValidationReport:
    """Validate what ``path`` is; ``kind`` (contract | environment | connection) overrides the guess
    for a single file."""
    if not path.exists() and not any(path.parent.glob(f"{path.name}.ingestion.*")):
        raise ContractForgeError.single("file not found", file=display_path(path), code="FILE_NOT_FOUND")
    if kind is None and find_project_file(path) is not None:
        report = ValidationReport(kind="project")

        def project() -> None:
            loaded = load_project(path, env)
            report.warnings.extend(loaded.warnings)
            report.checked.append(display_path(loaded.path))
            report.checked.extend(display_path(s.bundle.path) for s in loaded.loaded_steps)
            # Same second depth as `plan` (environment, schedule, contracts, refs) so the two
            # commands refuse exactly the same inputs.
            report.problems.extend(validate_project(loaded))
            shown = display_path(loaded.environment_path) if loaded.environment_path else None
            report.warnings.extend(  # as `plan` warns (its info about unused keys stays with plan)
                Diagnostic("AWS_UNKNOWN_ENVIRONMENT_KEY", "warning", f"{key}: {reason}", shown, line, key)
                for key, reason, unknown, line in located_unused_keys(
                    loaded.environment, loaded.environment_path
                )
                if unknown
            )

        _collect(report, project)
        return report
    if kind is None and path.is_dir():
        contracts = sorted(path.rglob("*.ingestion.yaml")) + sorted(path.rglob("*.ingestion.yml"))
        report = ValidationReport(kind="contracts")
        if not contracts:
            raise ContractForgeError.single(
                "no project.yaml and no *.ingestion.yaml below this directory",
                file=display_path(path),
                code="CONTRACT_NOT_FOUND",
            )
        for contract in contracts:
            _collect(report, lambda c=contract: _contract(report, c))
        return report
    name = path.name
    if kind == "environment" or (kind is None and ".environment." in name):
        report = ValidationReport(kind="environment", checked=[display_path(path)])
        _collect(report, lambda: load_environment_file(path))
        return report
    if kind == "connection" or (kind is None and path.parent.name == "connections"):
        report = ValidationReport(kind="connection", checked=[display_path(path)])
        _collect(report, lambda: _single(path, ConnectionFile))
        return report
    report = ValidationReport(kind="contract")
    _collect(report, lambda: _contract(report, path))
    return report


def _contract(report: ValidationReport, path: Path) -> None:
    bundle = load_contract(path)
    report.warnings.extend(bundle.warnings)
    report.problems.extend(_semantic_problems(bundle))
    report.checked.extend(display_path(p) for p in bundle.paths.values())


def _single(path: Path, model) -> None:
    document = load_mapping(path, display_path(path))
    data = {k: v for k, v in document.data.items() if k != "_metadata"}
    inner: tuple = ()
    if set(data) == {"source"} and isinstance(data["source"], dict):  # connection wrapped under source:
        data, inner = data["source"], ("source",)
    validate(model, data, SourceLocator.single(document.source_map, inner))
