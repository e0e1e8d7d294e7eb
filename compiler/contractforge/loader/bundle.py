"""Contract bundle loading (docs/contract-language.md#loading-rules): ``<stem>.ingestion.yaml`` plus
sibling section files.

Order: read the ingestion file and strip ``_metadata`` → merge a ``source.type: connection`` →
attach sibling ``annotations`` / ``operations`` / ``access`` files (fields at the document root;
an optional ``target`` block must agree with the ingestion target and is dropped) → project
defaults + identity inference (``loader.defaults``) → validate once. The sibling environment
file is validated separately and travels beside the contract.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contractforge.errors import ContractForgeError, Problem, closest, dotted
from contractforge.loader.connections import deep_merge, resolve_connection
from contractforge.loader.defaults import Decision, resolve_defaults
from contractforge.loader.errors import SourceLocator, validate
from contractforge.loader.yaml_source import SourceMap, YamlDocument, load_mapping
from contractforge.models import Access, Annotations, Environment, IngestionContract, Operations
from contractforge.project_plan import Diagnostic

SECTIONS = ("ingestion", "annotations", "operations", "access", "environment")
MERGED_SECTIONS = ("annotations", "operations", "access")
SUFFIXES = (".yaml", ".yml", ".json")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def display_path(path: Path) -> str:
    """Path as shown in messages: relative to the working directory when below it."""
    text = os.fspath(path)
    if not os.path.isabs(text):
        return text
    cwd = os.getcwd().rstrip(os.sep) + os.sep
    return text[len(cwd) :] if text.startswith(cwd) else text


@dataclass(frozen=True)
class LoadedBundle:
    """One validated contract bundle. The mapping that was validated (defaults filled in) is not kept:
    ``contract`` holds it, and ``contract.model_fields_set`` tells which keys it had."""

    path: Path  # the ingestion file
    contract: IngestionContract
    environment: Environment | None  # sibling <stem>.environment.yaml, when present
    paths: dict[str, Path]  # section → file ("ingestion", "annotations", ..., "connection")
    metadata: dict[str, dict[str, Any]]  # section → its `_metadata` mapping
    locator: SourceLocator
    decisions: tuple[Decision, ...] = ()
    warnings: tuple[Diagnostic, ...] = field(default=())

    @property
    def source_map(self) -> SourceMap:
        """Positions inside the ingestion file (other files: use ``locate``/``where``)."""
        return self.locator.layers[0][1]

    @property
    def annotations(self) -> Annotations | None:
        return self.contract.annotations

    @property
    def operations(self) -> Operations | None:
        return self.contract.operations

    @property
    def access(self) -> Access | None:
        return self.contract.access

    def locate(self, field_path: str | tuple) -> tuple[str | None, int | None, int | None]:
        """``(file, line, column)`` of a dotted field (``"source.query"``) or a key tuple."""
        if isinstance(field_path, str):
            field_path = tuple(
                int(p) if p.isdigit() else p
                for p in field_path.replace("[", ".").replace("]", "").split(".")
                if p
            )
        file, line, column, _ = self.locator.locate(tuple(field_path))
        return file, line, column

    def where(self, path: tuple) -> dict[str, Any]:
        """``Problem`` keyword arguments (file, line, column) for a key path of the contract."""
        file, line, column, _ = self.locator.locate(tuple(path))
        return {"file": file, "line": line, "column": column}


@dataclass(frozen=True)
class ProjectContext:
    """What a bundle needs from its project: the root (for project:// paths) and raw defaults."""

    root: Path
    defaults: dict[str, Any] | None
    adapter: str | None
    source_map: SourceMap | None = None  # of project.yaml: values filled from defaults point there


def find_ingestion_file(path: Path) -> Path:
    """An ingestion file from a file, a section file, a bundle base path or a contract directory."""
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and _section_of(p.name) == "ingestion")
        if len(found) == 1:
            return found[0]
        what = "no *.ingestion.yaml" if not found else f"{len(found)} ingestion files"
        raise ContractForgeError.single(
            f"expected exactly one contract in this directory, found {what}",
            file=display_path(path),
            code="CONTRACT_NOT_FOUND",
        )
    if path.is_file():
        section = _section_of(path.name)
        if section in (None, "ingestion"):
            return path
        stem = path.name.split(f".{section}.")[0]
        candidate = _sibling(path.parent, stem, "ingestion")
        if candidate:
            return candidate
        raise ContractForgeError.single(
            f"no {stem}.ingestion.yaml beside this {section} file",
            file=display_path(path),
            code="CONTRACT_NOT_FOUND",
        )
    candidate = _sibling(path.parent, path.name, "ingestion")
    if candidate:
        return candidate
    raise ContractForgeError.single("file not found", file=display_path(path), code="FILE_NOT_FOUND")


def _section_of(name: str) -> str | None:
    for section in SECTIONS:
        if f".{section}." in name:
            return section
    return None


def _stem_of(ingestion: Path) -> str:
    name = ingestion.name
    if ".ingestion." in name:
        return name.split(".ingestion.")[0]
    return name.rsplit(".", 1)[0]


def _sibling(directory: Path, stem: str, section: str, names: set[str] | None = None) -> Path | None:
    """First existing ``<stem>.<section><suffix>`` in SUFFIXES order; ``names`` = a directory listing."""
    for suffix in SUFFIXES:
        name = f"{stem}.{section}{suffix}"
        if names is not None:
            if name in names:
                return directory / name
        elif (directory / name).is_file():
            return directory / name
    return None


def _take_metadata(
    document: YamlDocument, section: str, metadata: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    data = document.data
    if "_metadata" in data:
        meta = data["_metadata"]
        metadata[section] = meta if isinstance(meta, dict) else {"value": meta}
        data = {k: v for k, v in data.items() if k != "_metadata"}
    return data


def _check_sibling(
    section: str, data: dict[str, Any], document: YamlDocument, ingestion_target: Any, ingestion: SourceMap
) -> dict[str, Any]:
    smap = document.source_map
    if set(data) <= {section, "target"} and isinstance(data.get(section), dict):
        line, column = smap.locate((section,), prefer_key=True) or (1, 1)
        raise ContractForgeError(
            [
                Problem(
                    f"declare the {section} fields at the document root instead of under `{section}:`",
                    smap.file,
                    line,
                    column,
                    section,
                    code="SECTION_WRAPPED",
                )
            ]
        )
    if "target" not in data:
        return data
    target = data["target"]
    problems = []
    if not isinstance(target, dict) or not target.get("table"):
        line, column = smap.locate(("target",), prefer_key=True) or (None, None)
        problems.append(Problem("a sibling `target` block needs `table`", smap.file, line, column, "target"))
    elif isinstance(ingestion_target, dict):
        for key in ("catalog", "schema", "table"):
            mine, theirs = target.get(key), ingestion_target.get(key)
            if (
                mine not in (None, "")
                and theirs not in (None, "")
                and str(mine).strip() != str(theirs).strip()
            ):
                line, column = smap.locate(("target", key)) or (None, None)
                their_line = (ingestion.locate(("target", key)) or (None,))[0]
                problems.append(
                    Problem(
                        f"target.{key} '{mine}' here does not match target.{key} '{theirs}' in "
                        f"{ingestion.file}" + (f":{their_line}" if their_line else ""),
                        smap.file,
                        line,
                        column,
                        f"target.{key}",
                        code="SIBLING_TARGET_MISMATCH",
                    )
                )
    if problems:
        raise ContractForgeError(problems)
    return {k: v for k, v in data.items() if k != "target"}


def _version_warnings(metadata: dict[str, dict[str, Any]], paths: dict[str, Path]) -> list[Diagnostic]:
    warnings: list[Diagnostic] = []
    versions = {
        s: str(m["contract_version"]) for s, m in metadata.items() if m.get("contract_version") is not None
    }
    for section, version in sorted(versions.items()):
        if not _VERSION.match(version):
            warnings.append(
                Diagnostic(
                    "CONTRACT_VERSION_FORMAT",
                    "warning",
                    f"_metadata.contract_version '{version}' is not MAJOR.MINOR.PATCH",
                    display_path(paths[section]),
                    None,
                    "_metadata.contract_version",
                )
            )
    if len(set(versions.values())) > 1:
        listed = ", ".join(f"{s}={v}" for s, v in sorted(versions.items()))
        majors = {v.split(".")[0] for v in versions.values()}
        code = "CONTRACT_VERSION_MAJOR_MISMATCH" if len(majors) > 1 else "CONTRACT_VERSION_MISMATCH"
        warnings.append(
            Diagnostic(
                code,
                "warning",
                f"bundle files declare different contract versions: {listed}",
                display_path(paths["ingestion"]),
                None,
                "_metadata.contract_version",
            )
        )
    return warnings


def load_environment_file(path: Path) -> tuple[Environment, SourceLocator]:
    """Validate an environment file (optionally wrapped under ``environment:``)."""
    document = load_mapping(path, display_path(path), what="environment file")
    data = {k: v for k, v in document.data.items() if k != "_metadata"}
    inner: tuple = ()
    if set(data) == {"environment"} and isinstance(data["environment"], dict):
        data, inner = data["environment"], ("environment",)
    locator = SourceLocator.single(document.source_map, inner)
    return validate(Environment, data, locator), locator


def _split(dotted: str) -> tuple[str, ...]:
    return tuple(dotted.split("."))


def _locate_decisions(
    decisions: list[Decision], locator: SourceLocator, contract_map: SourceMap, project: ProjectContext | None
) -> None:
    """Filled values are located where they came from: project.yaml defaults or the merge keys."""
    for decision in decisions:
        source = decision["source"]
        if source.startswith("project.") and project and project.source_map:
            locator.add(_split(decision["path"]), project.source_map, _split(source)[1:])
        elif source == "inference.merge_keys":
            locator.add(_split(decision["path"]), contract_map, ("merge_keys",))


def load_bundle(path: str | Path, project: ProjectContext | None = None) -> LoadedBundle:
    """Load and validate one bundle. ``project`` gives defaults and the project root, if any."""
    ingestion = find_ingestion_file(Path(path))
    document = load_mapping(ingestion, display_path(ingestion), what="ingestion contract")
    metadata: dict[str, dict[str, Any]] = {}
    paths: dict[str, Path] = {"ingestion": ingestion}
    mapping = _take_metadata(document, "ingestion", metadata)
    locator = SourceLocator.single(document.source_map)

    mapping, connection = resolve_connection(
        mapping, ingestion, project.root if project else None, locator, document.source_map, display_path
    )
    if connection is not None:
        paths["connection"] = connection.path

    stem = _stem_of(ingestion)
    environment = None
    listing = set(os.listdir(ingestion.parent))  # one listing instead of 12 stat calls
    for section in (*MERGED_SECTIONS, "environment"):
        sibling = _sibling(ingestion.parent, stem, section, listing)
        if sibling is None or sibling == ingestion:
            continue
        paths[section] = sibling
        if section == "environment":
            environment, _ = load_environment_file(sibling)
            continue
        sibling_doc = load_mapping(sibling, display_path(sibling), what=f"{section} file")
        data = _check_sibling(
            section,
            _take_metadata(sibling_doc, section, metadata),
            sibling_doc,
            mapping.get("target"),
            document.source_map,
        )
        inline = mapping.get(section)
        mapping = {**mapping, section: deep_merge(inline, data) if isinstance(inline, dict) else data}
        locator.add((section,), sibling_doc.source_map)

    resolved, decisions = resolve_defaults(
        mapping, project.defaults if project else None, project.adapter if project else None
    )
    _locate_decisions(decisions, locator, document.source_map, project)
    contract = validate(IngestionContract, resolved, locator)
    return LoadedBundle(
        path=ingestion,
        contract=contract,
        environment=environment,
        paths=paths,
        metadata=metadata,
        locator=locator,
        decisions=tuple(decisions),
        warnings=(*_version_warnings(metadata, paths), *_extension_warnings(mapping, locator)),
    )


def _extension_warnings(mapping: dict[str, Any], locator: SourceLocator) -> list[Diagnostic]:
    """``extensions.<name>`` other than ``aws`` belongs to another adapter and is ignored here; one
    spelt like ``aws`` (``asw``, ``aws_``) is a typo that would silently drop every AWS setting."""
    extensions = mapping.get("extensions")
    warnings = []
    for key in extensions if isinstance(extensions, dict) else ():
        if key != "aws" and closest(str(key).lower(), ["aws"]):
            file, line, _, field = locator.locate(("extensions", key), prefer_key=True)
            message = f"extension '{key}' is not read on AWS (did you mean 'aws'?)"
            warnings.append(Diagnostic("EXTENSION_NOT_AWS", "warning", message, file, line, dotted(field)))
    return warnings
